"""The figure runner: run every snippet in one process and draw its recorded LRs.

python -m runner            # draw stale figures into generated/figures/
python -m runner --force    # redraw everything
"""
