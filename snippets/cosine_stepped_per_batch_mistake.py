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

epochs = 10
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
# MISTAKE: T_max is sized in epochs...
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs, eta_min=0.001)

lrs = []
for epoch in range(epochs):
    for batch_inputs, batch_targets in loader:
        batch_inputs, batch_targets = batch_inputs.to(device), batch_targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(batch_inputs), batch_targets)
        loss.backward()
        optimizer.step()
        lrs.append(scheduler.get_last_lr()[0])  # the LR this batch's step used
        scheduler.step()  # ...but stepped once per batch: T_max is over after 10 batches

print(
    f"{len(lrs)} steps over T_max={scheduler.T_max}, lowest lr at steps "
    f"{[step for step, lr in enumerate(lrs) if lr == min(lrs)]}"
)
