"""hooks/minify_js.py: comments and spare whitespace go; code, literals and lines stay."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("minify_js", ROOT / "hooks" / "minify_js.py")
hook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hook)


@pytest.mark.parametrize(
    "source, minified",
    [
        ("const a = b + c;  // sum\n", "const a=b+c;\n"),
        (
            "/* header */\nfunction f ( x ) {\n    return x * 2;\n}\n",
            "function f(x){\nreturn x*2;\n}\n",
        ),
        (
            'const s = "a // not a comment /* nor this */";\n',
            'const s="a // not a comment /* nor this */";\n',
        ),
        (
            "const t = `${ {a: 1}.a } and ${ '}' }  spaces`;\n",
            "const t=`${ {a: 1}.a } and ${ '}' }  spaces`;\n",
        ),
        ("const r = x.replace(/\\/+ [/]/g, ' ');\n", "const r=x.replace(/\\/+ [/]/g,' ');\n"),
        ("const q = a / b / c;\n", "const q=a/b/c;\n"),
        ("return /a b/.test(s)\n", "return/a b/.test(s)\n"),  # a regex after return
        ("x = a - -b + +c;\n", "x=a- -b+ +c;\n"),
        ("let i = 0\ni++\n", "let i=0\ni++\n"),  # the line break keeps ASI's meaning
        ("typeof x === 'string'\n", "typeof x==='string'\n"),
    ],
)
def test_minify(source, minified):
    assert hook.minify(source) == minified


def test_an_unterminated_string_is_an_error_not_a_silent_cut():
    with pytest.raises(hook.MinifyError):
        hook.minify('const s = "never closed;\n')


def test_the_explorer_shrinks_and_keeps_every_line_of_code():
    source = (ROOT / "docs" / "javascripts" / "explorer.js").read_text(encoding="utf-8")
    minified = hook.minify(source)
    assert len(minified) < 0.8 * len(source)
    assert "window.LRAtlasSchedules" in minified and "/*" not in minified
