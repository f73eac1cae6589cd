"""The review memo: key terms, findings, clauses used and left out with reasons, open
items, and the documents' hashes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import EXAMPLE_ID, run_cli

from p2pdocs.word.render import docx_text

FOLDER = EXAMPLE_ID


def risky(d: dict[str, Any]) -> None:
    d["agreement"]["margins"][1]["by_year"] = [15, 12]
    del d["agreement"]["disputes"]
    del d["agreement"]["parties"]["fabrikam"]["sponsor"]


def test_memo_in_markdown_and_word(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    result = run_cli("generate", str(write_deal(risky)), "-o", str(tmp_path), "--no-progress")
    assert result.exit_code == 0, result.output
    folder = tmp_path / FOLDER
    md = (folder / "review-memo.md").read_text(encoding="utf-8")
    word = " ".join(docx_text((folder / "review-memo.docx").read_bytes()).split())
    for text in (md, word):
        assert "Contoso keeps 15% on projects in year 1; the playbook expects at least 20%" in text
        assert "P27" in text and "P21" in text
        assert "roles.prime" in text and "resells" in text
        assert "Every relationship model on the cover page is carried out here" in text
        assert "disputes.resolution" in text
        assert (
            "The deal sets no dispute process, so the default applies: "
            "escalation, then the courts of England and Wales, with exclusive jurisdiction." in text
        )
        assert "Fabrikam: no executive sponsor is given." in text
        assert "SoW SOW-001: no customer contract reference is given." in text
    for name in ("partnering-agreement.docx", "sow-SOW-001.docx"):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert f"| {name} | `{digest}` |" in md
        assert f"{name} | {digest}" in word
    assert (
        "| partnering-agreement.docx | 7 | margins.schedule | 1.0.0 | - | The deal gives a margin schedule of 3" in md
    )


def markup(d: dict[str, Any]) -> None:
    d["agreement"]["title"] = "Partnering [Agreement](http://attacker.example)"
    d["agreement"]["parties"]["fabrikam"]["legal_name"] = "Fabrikam <b>Software</b> | *GmbH* `x` _y_ &amp;"
    del d["agreement"]["parties"]["contoso"]["sponsor"]
    d["agreement"]["parties"]["contoso"]["short_name"] = "# Contoso"


def test_memo_markdown_shows_user_text_as_typed(write_deal: Callable[..., Path], tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    result = run_cli("generate", str(write_deal(markup)), "-o", str(tmp_path), "--no-progress")
    assert result.exit_code == 0, result.output
    md = (tmp_path / FOLDER / "review-memo.md").read_text(encoding="utf-8")
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)
    # no markup of the user's survives: no link, no tag, no emphasis, no code, no heading
    for made in ("<a ", "<b>", "<em>", "<strong>", "<code>x", "<h1>Contoso", "<h1># Contoso"):
        assert made not in html
    assert "Fabrikam &lt;b&gt;Software&lt;/b&gt; | *GmbH* `x` _y_ &amp;amp;" in html
    assert "Partnering [Agreement](http://attacker.example)" in html
    assert "<li># Contoso: no executive sponsor is given.</li>" in html
    # every row of the key terms table still has its two cells
    terms = html.split("<h2>Key terms</h2>")[1].split("</table>")[0]
    rows = terms.split("<tr>")[2:]
    assert rows and all(row.count("<td>") == 2 for row in rows)
    assert "<td>Fabrikam &lt;b&gt;Software&lt;/b&gt; | *GmbH* `x` _y_ &amp;amp; (independent" in terms
