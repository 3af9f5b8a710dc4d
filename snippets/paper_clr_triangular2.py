import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# 256 samples in batches of 64: 4 optimizer steps per epoch.
inputs = torch.randn(256, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=64, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.MSELoss()

# CLR on CIFAR-10: between 0.001 and 0.006, 2000 iterations up and 2000 down, which is
# 4 epochs each way at 500 iterations per epoch. Shortened here to 4 iterations per
# epoch, keeping the 4 epochs: step_size_up = 4 * len(loader) = 16.
epochs = 24  # three cycles of 8 epochs
optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
scheduler = torch.optim.lr_scheduler.CyclicLR(
    optimizer,
    base_lr=0.001,
    max_lr=0.006,
    step_size_up=4 * len(loader),
    mode="triangular2",  # the height halves with every cycle
    cycle_momentum=False,  # the paper kept momentum at 0.9; PyTorch would cycle it
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

print(f"{len(lrs)} steps, final loss {loss.item():.4f}, last lr used {lrs[-1]:.3g}")
