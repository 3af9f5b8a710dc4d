import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# 256 samples in batches of 32: 8 optimizer steps per epoch.
inputs = torch.randn(256, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=32, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.MSELoss()

epochs = 12
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = torch.optim.lr_scheduler.CyclicLR(
    optimizer,
    base_lr=0.001,  # replaces the optimizer's lr=0.01
    max_lr=0.1,
    step_size_up=2 * len(loader),  # in batches: 2 epochs up, 2 epochs down
    mode="triangular2",  # halve the height of every new cycle
)  # also cycles momentum between 0.8 and 0.9, opposite to the LR

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
