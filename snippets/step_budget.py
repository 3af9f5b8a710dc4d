import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def optimizer_steps_per_epoch(
    dataset_size: int,
    batch_size: int,
    *,
    drop_last: bool = False,
    accumulation_steps: int = 1,
    world_size: int = 1,
    step_on_last_partial_window: bool = True,
) -> int:
    """Optimizer steps, and so scheduler.step() calls, that one epoch makes on each device.

    dataset_size: samples in the dataset. batch_size: samples per micro-batch on one device.
    drop_last: the DataLoader's; it drops the last, short micro-batch of each device.
    accumulation_steps: micro-batches whose gradients add up into one optimizer step.
    world_size: devices, each reading its share through a DistributedSampler (drop_last=False:
    it repeats samples so that every device gets ceil(dataset_size / world_size) of them).
    step_on_last_partial_window: whether the last micro-batches of an epoch, fewer than
    accumulation_steps, still make an optimizer step (as in Lightning and Hugging Face's Trainer)
    or are left out of the count.
    Multiply by the number of epochs for the whole run. Raises ValueError for a size below 1.
    """
    for name, value in [
        ("dataset_size", dataset_size),
        ("batch_size", batch_size),
        ("accumulation_steps", accumulation_steps),
        ("world_size", world_size),
    ]:
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
    samples = math.ceil(dataset_size / world_size)  # on each device
    batches = samples // batch_size if drop_last else math.ceil(samples / batch_size)
    if step_on_last_partial_window:
        return math.ceil(batches / accumulation_steps)
    return batches // accumulation_steps


torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# 200 samples in micro-batches of 16: 13 micro-batches per epoch, the last one of 8 samples.
# Gradients of 4 micro-batches make one optimizer step; the 13th micro-batch steps alone.
inputs = torch.randn(200, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=16, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.MSELoss()

epochs = 6
accumulation_steps = 4
steps_per_epoch = optimizer_steps_per_epoch(200, 16, accumulation_steps=accumulation_steps)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * steps_per_epoch)

lrs = []
for epoch in range(epochs):
    for i, (batch_inputs, batch_targets) in enumerate(loader):
        batch_inputs, batch_targets = batch_inputs.to(device), batch_targets.to(device)
        window_start = i - i % accumulation_steps
        window = min(accumulation_steps, len(loader) - window_start)  # 1 for the last one
        loss = loss_fn(model(batch_inputs), batch_targets)
        (loss / window).backward()
        if (i + 1) % accumulation_steps == 0 or i + 1 == len(loader):
            lrs.append(optimizer.param_groups[0]["lr"])  # the LR this step uses
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()

print(f"{steps_per_epoch} steps per epoch, {len(lrs)} in all; T_max={scheduler.T_max}")
print(f"final loss {loss.item():.4f}, last lr used {lrs[-1]:.3g}")
