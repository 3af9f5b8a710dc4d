"""MkDocs hook: serve docs/javascripts/*.js without comments and indentation.

The source keeps its comments for contributors; readers download about half the bytes.
No JavaScript minifier is among the project's pinned packages, so this is a small, cautious
one: it drops comments and the whitespace between tokens that JavaScript does not need, keeps
every line break (so automatic semicolon insertion sees the same lines), and copies strings,
template literals and regular expressions byte for byte. The explorer's browser tests run
against the minified file, so a mistake here fails them.
"""

import re

from mkdocs.structure.files import File

IDENTIFIER = re.compile(r"[\w$\\]")
# After one of these characters or words a "/" starts a regular expression, not a division.
REGEX_AFTER_CHARS = set("(,=:[!&|?{};+-*%<>~^")
REGEX_AFTER_WORDS = {
    "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw",
    "instanceof", "yield", "await",
}  # fmt: skip
WORD_AT_END = re.compile(r"[\w$]+$")


class MinifyError(ValueError):
    """The source ends inside a string, template, comment or regular expression."""


def _skip_string(js: str, i: int) -> int:
    quote, i = js[i], i + 1
    while js[i] != quote:
        i += 2 if js[i] == "\\" else 1
    return i + 1


def _skip_template(js: str, i: int) -> int:
    i += 1
    while js[i] != "`":
        if js[i] == "\\":
            i += 2
        elif js.startswith("${", i):
            i = _skip_braces(js, i + 1)
        else:
            i += 1
    return i + 1


def _skip_braces(js: str, i: int) -> int:
    """From a "{" inside a template's ${...} to just after its matching "}"."""
    depth = 0
    while True:
        char = js[i]
        if char in "'\"":
            i = _skip_string(js, i)
            continue
        if char == "`":
            i = _skip_template(js, i)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def _skip_regex(js: str, i: int) -> int:
    i += 1
    in_class = False
    while in_class or js[i] != "/":
        if js[i] == "\\":
            i += 1
        elif js[i] == "[":
            in_class = True
        elif js[i] == "]":
            in_class = False
        elif js[i] == "\n":
            raise MinifyError(f"unterminated regular expression at offset {i}")
        i += 1
    i += 1
    while i < len(js) and js[i].isalpha():  # flags
        i += 1
    return i


def _starts_regex(code: str) -> bool:
    stripped = code.rstrip()
    if not stripped:
        return True
    word = WORD_AT_END.search(stripped)
    if word:
        return word.group(0) in REGEX_AFTER_WORDS
    return stripped[-1] in REGEX_AFTER_CHARS


def _needs_space(before: str, after: str) -> bool:
    if not before or not after:
        return False
    a, b = before[-1], after[0]
    if IDENTIFIER.match(a) and (IDENTIFIER.match(b) or b in "'\"`"):
        return True
    return a + b in {"++", "--", "//", "/*", "+-", "-+"} or (a == "/" and b == "/")


def minify(js: str) -> str:
    """JavaScript without comments and unneeded whitespace; line breaks between tokens stay.

    Raises MinifyError when the source ends inside a literal or comment.
    """
    out: list[str] = []  # tokens and literals, with "\n" where a line break separated them
    pending = None  # None, " " or "\n": the whitespace seen since the last token
    i, n = 0, len(js)
    try:
        while i < n:
            char = js[i]
            if char in " \t\r\n":
                if char == "\n" or pending == "\n":
                    pending = "\n"
                elif out:
                    pending = " "
                i += 1
                continue
            if js.startswith("//", i):
                end = js.find("\n", i)
                i = n if end == -1 else end
                continue
            if js.startswith("/*", i):
                end = js.index("*/", i + 2)
                i = end + 2
                pending = pending or " "
                continue
            start = i
            if char in "'\"":
                i = _skip_string(js, i)
            elif char == "`":
                i = _skip_template(js, i)
            elif char == "/" and _starts_regex("".join(out[-3:])):
                i = _skip_regex(js, i)
            else:
                i += 1
                while i < n and js[i] not in " \t\r\n'\"`/":
                    i += 1
            token = js[start:i]
            previous = out[-1] if out else ""
            if pending == "\n" and out:
                out.append("\n")
            elif pending == " " and _needs_space(previous, token):
                out.append(" ")
            out.append(token)
            pending = None
    except (IndexError, ValueError) as error:
        raise MinifyError(f"source ends inside a string, comment or regex: {error}") from error
    return "".join(out) + "\n"


def on_files(files, config):
    scripts = [f for f in files if f.src_uri.startswith("javascripts/")]
    for source in [f for f in scripts if f.src_uri.endswith(".js")]:
        with open(source.abs_src_path, encoding="utf-8") as handle:
            text = handle.read()
        files.remove(source)
        files.append(File.generated(config, source.src_uri, content=minify(text)))
    return files
