import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# A tiny binary classification problem. 256 samples in batches of 32: 8 optimizer
# steps per epoch. (Regression on the same inputs diverges to NaN at a learning rate of 3.)
inputs = torch.randn(256, 8)
targets = (inputs.sum(dim=1, keepdim=True) > 0).float()
loader = DataLoader(TensorDataset(inputs, targets), batch_size=32, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.BCEWithLogitsLoss()

# 1cycle as in Smith & Topin's super-convergence runs: one linear cycle from 0.1 up to
# 3.0 and back, then a short final phase far below 0.1, with momentum cycled from
# 0.95 down to 0.85 and back (Smith's later recommendation; PyTorch's default).
epochs = 10
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer,
    max_lr=3.0,
    epochs=epochs,
    steps_per_epoch=len(loader),  # 80 steps in all
    pct_start=0.45,  # up for 45% of the steps, down for 45%, the last 10% to the floor
    anneal_strategy="linear",  # straight lines, as in the paper
    three_phase=True,  # come back to 0.1 before the final phase
    div_factor=30.0,  # start at 3.0 / 30 = 0.1
    final_div_factor=1e4,  # end at 0.1 / 1e4 = 1e-5
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

print(f"{len(lrs)} steps, final loss {loss.item():.2g}, last lr used {lrs[-1]:.3g}")
