import math

import torch
from torch import nn
from torch.optim.lr_scheduler import LRScheduler
from torch.utils.data import DataLoader, TensorDataset


class WarmupInverseSqrtLR(LRScheduler):
    """Linear warm-up to the optimizer's lr over warmup_steps, then decay as 1/sqrt(step)."""

    def __init__(self, optimizer, warmup_steps, last_epoch=-1):
        if not isinstance(warmup_steps, int):  # a float would shift the peak between steps
            raise TypeError(f"warmup_steps must be an int, got {type(warmup_steps).__name__}")
        if warmup_steps < 1:
            raise ValueError(f"warmup_steps must be at least 1, got {warmup_steps}")
        self.warmup_steps = warmup_steps  # before super().__init__(), which calls get_lr()
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = self.last_epoch + 1  # last_epoch is 0 for the first optimizer step
        factor = min(step / self.warmup_steps, math.sqrt(self.warmup_steps / step))
        return [base_lr * factor for base_lr in self.base_lrs]  # one LR per param group


torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# 256 samples in batches of 32: 8 optimizer steps per epoch.
inputs = torch.randn(256, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=32, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.MSELoss()

epochs = 10
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
scheduler = WarmupInverseSqrtLR(optimizer, warmup_steps=16)  # 2 epochs of warm-up

lrs = []
for epoch in range(epochs):
    for batch_inputs, batch_targets in loader:
        batch_inputs, batch_targets = batch_inputs.to(device), batch_targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(batch_inputs), batch_targets)
        loss.backward()
        optimizer.step()
        lrs.append(scheduler.get_last_lr()[0])  # the LR this batch's step used
        scheduler.step()  # once per batch, after optimizer.step()

print(f"{len(lrs)} steps, final loss {loss.item():.4f}, last lr used {lrs[-1]:.3g}")
