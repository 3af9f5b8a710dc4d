"""hooks/notebooks.py: CSS cut to what the page uses, figure alt texts, printed tables."""

import importlib.util
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("notebooks_hook", ROOT / "hooks" / "notebooks.py")
hook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hook)


def test_rules_for_classes_the_page_lacks_are_dropped():
    css = ".jp-Cell{padding:1px}.jp-Unused{color:red}.jp-Cell .jp-Gone,.jp-Cell pre{margin:0}"
    assert hook.prune_css(css, {"jp-Cell"}) == ".jp-Cell{padding:1px}.jp-Cell pre{margin:0}"


def test_only_custom_properties_in_use_are_kept_following_references():
    css = ":root{--a: var(--b);--b: 1px;--unused: 2px}.x{margin:var(--a)}"
    assert hook.prune_css(css, {"x"}) == ":root{--a: var(--b);--b: 1px}.x{margin:var(--a)}"


def test_data_urls_and_media_queries_survive_and_font_faces_go():
    css = (
        '@font-face{font-family:X;src:url("https://fonts.example/x.woff")}'
        '.icon{background:url("data:image/svg+xml;base64,AAA;BBB")}'
        "@media (max-width: 600px){.icon{width:1px}.other{width:2px}}"
    )
    assert hook.prune_css(css, {"icon"}) == (
        '.icon{background:url("data:image/svg+xml;base64,AAA;BBB")}'
        "@media (max-width: 600px){.icon{width:1px}}"
    )


def test_variables_defined_in_one_style_and_used_in_another_are_kept():
    page = (
        "<style>.dark .w{--fg: white;--bg: black}</style>"
        "<style>.w .cell{color:var(--fg)}</style>"
        '<div class="w dark"><div class="cell"></div></div>'
    )
    pruned = hook.prune_styles(page, {"w", "dark", "cell"})
    assert "<style>.dark .w{--fg: white}</style>" in pruned
    assert "<style>.w .cell{color:var(--fg)}</style>" in pruned


def test_figures_get_the_alt_text_of_their_cells_and_a_missing_one_is_named(tmp_path):
    notebook = tmp_path / "demo.py"
    notebook.write_text(
        "# %%\n# alt: Loss by epoch,\n# alt: falling.\nplot()\n\n# %%\nprint(1)\n\n"
        "# %%\n# alt: Accuracy by epoch.\nplot()\n"
    )
    texts = hook.figure_alt_texts(notebook)
    assert texts == ["Loss by epoch, falling.", "Accuracy by epoch."]
    page = f"<img {hook.NO_ALT} src=a><img {hook.NO_ALT} src=b>"
    assert hook.with_alt_texts(page, texts, "demo") == (
        '<img alt="Loss by epoch, falling." src=a><img alt="Accuracy by epoch." src=b>'
    )
    with pytest.raises(PluginError, match=r"demo: 2 figures but 1 cells with '# alt:' lines"):
        hook.with_alt_texts(page, texts[:1], "demo")


def test_a_printed_markdown_table_becomes_a_table_and_other_output_stays_text():
    table = "| a | b |\n| --- | --- |\n| 1 | 2 |"
    html = f"<pre>{table}</pre><pre>| not | a table</pre>"
    converted = hook.printed_tables_as_tables(html)
    assert "<td>1</td>" in converted and "<th>a</th>" in converted
    assert "<pre>| not | a table</pre>" in converted
