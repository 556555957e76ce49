"""Server-rendered pages: templates, static assets, language and security middleware."""
