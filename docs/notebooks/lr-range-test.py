# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Learning-rate range test
#
# How large may `max_lr` be? The range test (Smith, 2015) answers it empirically: train for
# a few hundred batches while the learning rate grows, and watch the loss. Smith's sweep
# raised the rate linearly over a few epochs; the exponential sweep used here, which gives
# every decade of learning rates the same number of batches, is the one fastai's learning
# rate finder made popular.
# While the rate is too small, the loss barely moves; in a good range it falls fast; past
# the limit it explodes. `max_lr` is taken from the falling part, below the explosion.
#
# Here the test runs on scikit-learn's digits and its result feeds `OneCycleLR`, next to a
# badly chosen `max_lr`. Everything is seeded; the page shows the numbers the build produced.

# %%
# %matplotlib inline
# %config InlineBackend.figure_formats = ["svg"]
import math

import matplotlib.pyplot as plt
import torch
from matplotlib.ticker import FormatStrFormatter, NullFormatter
from sklearn.datasets import load_digits
from torch import nn

plt.rcParams["svg.fonttype"] = "none"  # figures keep text as text: a lighter page
device = "cuda" if torch.cuda.is_available() else "cpu"

digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16
labels = torch.tensor(digits.target)
order = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
train_x, train_y = images[order[:1400]].to(device), labels[order[:1400]].to(device)
val_x, val_y = images[order[1400:]].to(device), labels[order[1400:]].to(device)
BATCH_SIZE = 100
loss_fn = nn.CrossEntropyLoss()


def fresh_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)


def batches(seed):
    """An endless, seeded stream of training batches."""
    generator = torch.Generator().manual_seed(seed)
    while True:
        permutation = torch.randperm(len(train_x), generator=generator).to(device)
        for start in range(0, len(train_x) - BATCH_SIZE + 1, BATCH_SIZE):
            index = permutation[start : start + BATCH_SIZE]
            yield train_x[index], train_y[index]


# %% [markdown]
# ## The sweep
#
# `ExponentialLR` multiplies the learning rate by the same factor after every batch, so
# 300 batches take it from `1e-4` to `10`. The loss is smoothed with an exponential moving
# average (bias-corrected), and the sweep stops once the smoothed loss exceeds four times its
# best value.

# %%
START_LR, END_LR, SWEEP_STEPS = 1e-4, 10.0, 300
model = fresh_model()
optimizer = torch.optim.SGD(model.parameters(), lr=START_LR, momentum=0.9)
scheduler = torch.optim.lr_scheduler.ExponentialLR(
    optimizer, gamma=(END_LR / START_LR) ** (1 / SWEEP_STEPS)
)

sweep_lrs, smoothed = [], []
average, best = 0.0, math.inf
for step, (x, y) in zip(range(SWEEP_STEPS), batches(seed=1)):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    average = 0.9 * average + 0.1 * loss.item()
    sweep_lrs.append(scheduler.get_last_lr()[0])
    smoothed.append(average / (1 - 0.9 ** (step + 1)))
    best = min(best, smoothed[-1])
    if smoothed[-1] > 4 * best:
        break
    scheduler.step()
print(f"swept {len(sweep_lrs)} batches, from lr {sweep_lrs[0]:.1e} to {sweep_lrs[-1]:.2f}")

# %% [markdown]
# ## Picking `max_lr`
#
# A common rule: take the learning rate at the lowest smoothed loss and divide it by ten,
# which lands on the steep, falling part of the curve with a safety margin.

# %%
lowest = min(range(len(smoothed)), key=smoothed.__getitem__)
chosen_max_lr = sweep_lrs[lowest] / 10
bad_max_lr = sweep_lrs[lowest] * 3  # past the minimum, where the loss turns upwards

# alt: Line chart of the smoothed training loss against the learning rate (log scale)
# alt: during the sweep, with the chosen max_lr marked by a dashed line and the too large
# alt: one by a dotted line.
figure, axes = plt.subplots(figsize=(4.6, 3.2))  # 4.6 inches: readable on a phone
axes.plot(sweep_lrs, smoothed, color="tab:blue")
axes.axvline(
    chosen_max_lr, color="tab:green", linestyle="--", label=f"chosen max_lr {chosen_max_lr:.3g}"
)
axes.axvline(bad_max_lr, color="tab:red", linestyle=":", label=f"too large {bad_max_lr:.3g}")
axes.set(xscale="log", xlabel="learning rate", ylabel="smoothed training loss")
# 0.001 rather than 10 to the -3: a superscript would be too small to read on a phone
axes.xaxis.set_major_formatter(FormatStrFormatter("%g"))
axes.xaxis.set_minor_formatter(NullFormatter())
axes.legend()
figure.tight_layout()
print(f"lowest smoothed loss {smoothed[lowest]:.4f} at lr {sweep_lrs[lowest]:.3g}")
print(f"chosen max_lr = {chosen_max_lr:.3g}, too large = {bad_max_lr:.3g}")

# %% [markdown]
# ## The choice, put to work in `OneCycleLR`
#
# Both runs below use the same model, data, batch order and 10 epochs of per-batch
# `OneCycleLR`; only `max_lr` differs.

# %%
EPOCHS = 10
STEPS_PER_EPOCH = len(train_x) // BATCH_SIZE


def one_cycle_run(max_lr):
    model = fresh_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=max_lr, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=max_lr, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH
    )
    accuracy = []
    stream = batches(seed=2)
    for epoch in range(EPOCHS):
        for _ in range(STEPS_PER_EPOCH):
            x, y = next(stream)
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
            scheduler.step()
        with torch.no_grad():
            accuracy.append((model(val_x).argmax(dim=1) == val_y).float().mean().item())
    return accuracy


runs = {"chosen": one_cycle_run(chosen_max_lr), "too large": one_cycle_run(bad_max_lr)}

# alt: Line chart of the validation accuracy after each of the 10 epochs of OneCycleLR,
# alt: one curve with the chosen max_lr and one with the too large max_lr.
figure, axes = plt.subplots(figsize=(4.6, 3.2))
for name, accuracy in runs.items():
    axes.plot(range(1, EPOCHS + 1), accuracy, marker="o", label=f"{name} max_lr")
axes.set(xlabel="epoch", ylabel="validation accuracy")
axes.legend()
figure.tight_layout()
for name, accuracy in runs.items():
    print(f"{name:>9} max_lr: final validation accuracy {accuracy[-1]:.4f}")
