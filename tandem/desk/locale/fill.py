"""Fill the Desk .po files from a msgid|es|de table (a maintainer's helper, not run by Tandem).

cd tandem/desk && ../../.venv/bin/python locale/fill.py TABLE
"""

import sys
from pathlib import Path

import polib


def main(table: str) -> None:
    rows = {}
    for line in Path(table).read_text(encoding="utf-8").splitlines():
        if line.strip():
            msgid, es, de = line.split("|")
            rows[msgid] = {"es": es, "de": de}
    here = Path(__file__).parent
    for lang in ("es", "de"):
        po = polib.pofile(str(here / lang / "LC_MESSAGES" / "django.po"))
        missing = []
        for entry in po:
            if entry.msgid in rows:
                entry.msgstr = rows[entry.msgid][lang]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            elif not entry.msgstr:
                missing.append(entry.msgid)
        po.metadata["Language"] = lang
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        po.save()
        print(lang, "missing:", missing)


if __name__ == "__main__":
    main(sys.argv[1])
