"""Pages of the exercise capability."""
