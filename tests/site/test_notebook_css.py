"""The notebook pages' CSS is cut to what the page can use, without changing what it does."""

import importlib.util
from pathlib import Path

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
