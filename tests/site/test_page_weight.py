"""Pages stay light: HTML plus own images within budget, each LR figure within budget."""

from scripts.page_weight import FIGURE_BUDGET, KB, page_weights, report


def test_every_page_is_within_its_budget(site):
    weights = page_weights(site)
    assert len(weights) >= 18
    over = [w for w in weights if w.total > w.budget]
    assert over == [], "\n" + report(site, heaviest=len(over) + 3)


def test_pages_with_figures_count_both_theme_variants(site):
    step_lr = next(w for w in page_weights(site) if w.page == "schedulers/step-lr/")
    light = (site / "figures" / "step_lr.svg").stat().st_size
    dark = (site / "figures" / "step_lr-dark.svg").stat().st_size
    assert step_lr.images == light + dark


def test_every_figure_is_within_its_budget(site):
    figures = sorted((site / "figures").glob("*.svg"))
    assert len(figures) >= 2 * 15
    sizes = {f.name: f.stat().st_size for f in figures}
    over = {name: f"{size / KB:.1f} KB" for name, size in sizes.items() if size > FIGURE_BUDGET}
    assert over == {}
