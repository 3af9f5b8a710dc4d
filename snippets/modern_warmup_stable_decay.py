import torch
from torch import nn
from torch.optim.lr_scheduler import ConstantLR, LinearLR, SequentialLR
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# 256 samples in batches of 32: 8 optimizer steps per epoch.
inputs = torch.randn(256, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=32, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.MSELoss()

# Every length counts optimizer steps (batches), not epochs.
epochs, warmup_steps, decay_steps = 20, 16, 32
total_steps = epochs * len(loader)  # 160
stable_steps = total_steps - warmup_steps - decay_steps  # 112 at the peak

optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
# Hugging Face starts the warm-up at 0: step t < warmup_steps uses lr * t / warmup_steps.
# LinearLR refuses start_factor=0, so a one-step ConstantLR(factor=0.0) gives step 0, and the
# ramp goes on from 1 / warmup_steps (exactly t / warmup_steps at every step t).
zero = ConstantLR(optimizer, factor=0.0, total_iters=1)
warmup = LinearLR(optimizer, start_factor=1 / warmup_steps, total_iters=warmup_steps - 1)
# LinearLR holds its end factor after total_iters: the warm-up child is also the stable phase.
cooldown = LinearLR(optimizer, start_factor=1.0, end_factor=0.0, total_iters=decay_steps)
scheduler = SequentialLR(
    optimizer, [zero, warmup, cooldown], milestones=[1, warmup_steps + stable_steps]
)

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

print(f"{len(lrs)} steps, lr {lrs[0]:g} at step 0, {max(lrs):g} at most, loss {loss.item():.4f}")
