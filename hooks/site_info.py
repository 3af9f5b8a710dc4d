"""MkDocs hook: facts about this build that must not be typed by hand.

- The footer names the PyTorch version the examples were verified with, read from the
  installed package when the site is built, and the devices: the CPU when the build's torch
  is a CPU build, and a CUDA GPU only for the build that docs.yml publishes, which its deploy
  job publishes only after the GPU job (gpu.yml, the pinned torch) passed on the same commit.
- On GitHub Actions, "edit this page" and the Pages address come from the environment, so
  a fork's build has its own edit links and address (a fork publishes nothing: deploy needs
  the GPU job, which forks skip). repo_url stays unset on purpose: Material's repository
  widget would query api.github.com from every reader's browser.
- The public address (site_url: canonical links, sitemap, llms.txt) is, in this order:
  $SITE_URL (the docs workflow passes the repository variable SITE_URL, for a custom domain),
  the default GitHub Pages address of $GITHUB_REPOSITORY, or mkdocs.yml's site_url, which is
  the address `make serve` serves on.
"""

import os
from importlib import metadata

from mkdocs.plugins import event_priority


def verified_with(torch_version: str, published_after_gpu: bool) -> str:
    """The footer's sentence: what ran the examples, and on which devices.

    ``published_after_gpu`` is docs.yml's ``LR_ATLAS_PUBLISHED_AFTER_GPU``, true only for the
    build that deploy publishes (deploy needs the gpu job). The GPU job refuses any torch but
    the one requirements/gpu.txt pins, which is this build's version without its ``+cpu`` tag.
    """
    sentence = f"Every example on this site was executed with PyTorch {torch_version}"
    if torch_version.endswith("+cpu"):
        sentence += " on CPU"
    sentence += " when the site was built"
    if published_after_gpu:
        sentence += (
            f", and with PyTorch {torch_version.split('+')[0]} on a CUDA GPU before it was "
            "published"
        )
    return sentence + "."


@event_priority(100)  # before the llmstxt plugin reads site_url in its own on_config
def on_config(config):
    torch_version = metadata.version("torch")  # metadata only: no torch import
    published_after_gpu = os.environ.get("LR_ATLAS_PUBLISHED_AFTER_GPU") == "true"
    config.copyright = verified_with(torch_version, published_after_gpu)
    repository = os.environ.get("GITHUB_REPOSITORY")  # "owner/name" on GitHub Actions
    if repository and not config.edit_uri:
        owner, name = repository.split("/", 1)
        config.edit_uri = f"https://github.com/{repository}/edit/main/docs/"
        config.site_url = f"https://{owner}.github.io/{name}/"
    if os.environ.get("SITE_URL"):  # empty when the repository variable is not set
        config.site_url = os.environ["SITE_URL"].rstrip("/") + "/"
    return config
