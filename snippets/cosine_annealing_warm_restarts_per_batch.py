import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# 256 samples in batches of 32: 8 optimizer steps per epoch.
inputs = torch.randn(256, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=32, shuffle=True)
model = nn.Linear(8, 1).to(device)
loss_fn = nn.MSELoss()

optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
# The same schedule as per epoch (T_0 and T_mult still count epochs), but the LR
# moves along the cosine after every batch instead of once per epoch.
scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
    optimizer, T_0=5, T_mult=2, eta_min=0.001
)

epochs = 35
iters = len(loader)
lrs = []
for epoch in range(epochs):
    for i, (batch_inputs, batch_targets) in enumerate(loader):
        batch_inputs, batch_targets = batch_inputs.to(device), batch_targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(batch_inputs), batch_targets)
        loss.backward()
        optimizer.step()
        lrs.append(scheduler.get_last_lr()[0])  # the LR this batch's step used
        # Move to where the next batch starts, in epochs: the next batch trains at
        # epoch + (i + 1) / iters, so a restart lands on the first batch of an epoch.
        scheduler.step(epoch + (i + 1) / iters)

print(f"{len(lrs)} steps, final loss {loss.item():.4f}, last lr used {lrs[-1]:.3g}")
