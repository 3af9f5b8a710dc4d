import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# 256 samples in batches of 128: 2 optimizer steps per epoch.
inputs = torch.randn(256, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=128, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.MSELoss()

# SGDR on CIFAR: eta_max = 0.05, eta_min = 0, a first period of T_0 = 10 epochs,
# each next period T_mult = 2 times longer: restarts at epochs 10, 30, 70 and 150.
epochs = 150
optimizer = torch.optim.SGD(
    model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4
)
scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
    optimizer, T_0=10, T_mult=2, eta_min=0.0
)

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
        # The paper moves T_cur after every batch, in fractions of an epoch: the next
        # batch trains at epoch + (i + 1) / iters.
        scheduler.step(epoch + (i + 1) / iters)

print(f"{len(lrs)} steps, final loss {loss.item():.4f}, last lr used {lrs[-1]:.3g}")
