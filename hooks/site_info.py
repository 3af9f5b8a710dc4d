"""MkDocs hook: facts about this build that must not be typed by hand.

- The footer names the PyTorch version the examples were verified with, read from the
  installed package when the site is built.
- On GitHub Actions, "edit this page" and the Pages address come from the environment, so
  a fork deploys to its own Pages with its own edit links. repo_url stays unset on purpose:
  Material's repository widget would query api.github.com from every reader's browser.
"""

import os
from importlib import metadata


def on_config(config):
    torch_version = metadata.version("torch")  # metadata only: no torch import
    config.copyright = (
        f"Every example on this site was executed with PyTorch {torch_version} "
        "when the site was built."
    )
    repository = os.environ.get("GITHUB_REPOSITORY")  # "owner/name" on GitHub Actions
    if repository and not config.edit_uri:
        owner, name = repository.split("/", 1)
        config.edit_uri = f"https://github.com/{repository}/edit/main/docs/"
        config.site_url = config.site_url or f"https://{owner}.github.io/{name}/"
    return config
