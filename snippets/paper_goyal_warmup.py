import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# A tiny binary classification problem (regression diverges at a learning rate of 0.8).
# 256 samples in batches of 128: 2 optimizer steps per epoch.
inputs = torch.randn(256, 8)
targets = (inputs.sum(dim=1, keepdim=True) > 0).float()
loader = DataLoader(TensorDataset(inputs, targets), batch_size=128, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.BCEWithLogitsLoss()

# Goyal et al.: a batch k = 8 times the reference 256 gets k times the reference LR
# 0.1 (linear scaling rule), reached by a linear warm-up from 0.1 over the first 5
# epochs, one increment per iteration; then divided by 10 at epochs 30, 60 and 80 of 90.
epochs, warmup_epochs, k, reference_lr = 90, 5, 8, 0.1
iters = len(loader)
optimizer = torch.optim.SGD(
    model.parameters(), lr=k * reference_lr, momentum=0.9, weight_decay=1e-4
)
warmup = torch.optim.lr_scheduler.LinearLR(
    optimizer,
    start_factor=1 / k,
    total_iters=warmup_epochs * iters,  # 0.1 up to 0.8
)
decay = torch.optim.lr_scheduler.MultiStepLR(
    optimizer,
    milestones=[30 * iters, 60 * iters, 80 * iters],
    gamma=0.1,  # in iterations
)
# Both factors apply at every iteration: the warm-up's, then the decay's.
scheduler = torch.optim.lr_scheduler.ChainedScheduler([warmup, decay])

lrs = []
for epoch in range(epochs):
    for batch_inputs, batch_targets in loader:
        batch_inputs, batch_targets = batch_inputs.to(device), batch_targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(batch_inputs), batch_targets)
        loss.backward()
        optimizer.step()
        lrs.append(scheduler.get_last_lr()[0])  # the LR this iteration's step used
        scheduler.step()  # once per iteration, after optimizer.step()

print(f"{len(lrs)} steps, final loss {loss.item():.4f}, peak lr {max(lrs):g}")
