import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# A tiny regression problem, small enough to train on the whole set at once:
# one optimizer step per epoch.
inputs = torch.randn(64, 8, device=device)
targets = inputs.sum(dim=1, keepdim=True)
model = nn.Linear(8, 1).to(device)
loss_fn = nn.MSELoss()

optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
# Cycles of 5, 10 and 20 epochs: restarts after epochs 5 and 15, and the third
# cycle ends exactly with the run (5 + 10 + 20 = 35).
scheduler = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
    optimizer, T_0=5, T_mult=2, eta_min=0.001
)

epochs = 35
lrs = []
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step used
    scheduler.step()  # once per epoch, after optimizer.step()

print(f"final loss {loss.item():.4f}, next lr {scheduler.get_last_lr()[0]:g}")
