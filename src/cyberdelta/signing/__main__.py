"""``python -m cyberdelta.signing safe|psbt …``: the ``cyberdelta sign-check`` commands alone, for an
air-gapped signing machine. It loads no other capability, so a check starts in a fraction of the time
the whole ``cyberdelta`` command takes (docs/signing.md, "Speed")."""

from __future__ import annotations

import os
import sys

from cyberdelta.platform import i18n
from cyberdelta.signing.commands import sign_check_app


def main() -> None:
    arguments = sys.argv[1:]
    chosen = None
    if len(arguments) >= 2 and arguments[0] == "--lang":
        chosen, arguments = i18n.parse_language(arguments[1]), arguments[2:]
    env_lang = os.environ.get("LANG", "")
    i18n.set_language(chosen or ("ja" if env_lang.startswith("ja") else "en"))
    sign_check_app(args=arguments, prog_name="python -m cyberdelta.signing")


if __name__ == "__main__":
    main()
