"""The Markdown copy of each page (mkdocs-llmstxt's ``preprocess``): what an assistant reads.

The plugin's own clean-up drops every image, which would drop what the figures show; here a
figure becomes a line with its alt text, once (not once per colour scheme), and math keeps
its LaTeX as inline code instead of losing its backslashes to Markdown escaping. The rest
of the plugin's clean-up (permalinks, tab labels, inline SVG) is repeated as it does it.
"""

from bs4 import BeautifulSoup


def preprocess(soup: BeautifulSoup, output: str) -> None:
    """Rewrite the page's HTML in place before mkdocs-llmstxt turns it into Markdown."""
    for picture in soup.find_all("picture"):
        picture.replace_with(*(picture.find_all("img") or [""]))
    for image in soup.find_all("img"):
        alt = (image.get("alt") or "").strip()
        if "#only-dark" in (image.get("src") or "") or not alt:
            image.decompose()  # the dark copy of a figure already described
            continue
        image.replace_with(soup.new_string(f"Figure: {alt}"))
    for math in soup.select(".arithmatex"):
        code = soup.new_tag("code")
        tex = math.get_text().strip()
        code.string = tex[2:-2].strip() if tex[:2] in ("\\(", "\\[") else tex  # delimiters
        math.replace_with(code)
    for tag in soup.select("a.headerlink, .tabbed-labels, svg, .twemoji"):
        tag.decompose()
