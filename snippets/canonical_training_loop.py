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
# A per-epoch schedule: T_max counts scheduler.step() calls, here one per epoch.
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs, eta_min=0.001)

lrs = []
for epoch in range(epochs):
    for batch_inputs, batch_targets in loader:
        batch_inputs, batch_targets = batch_inputs.to(device), batch_targets.to(device)
        optimizer.zero_grad()  # 1. drop the previous batch's gradients
        loss = loss_fn(model(batch_inputs), batch_targets)  # 2. forward
        loss.backward()  # 3. backward: fills each parameter's .grad
        lrs.append(optimizer.param_groups[0]["lr"])  # the LR the next line uses
        optimizer.step()  # 4. update the weights with param_groups[g]["lr"]
    scheduler.step()  # 5. after the epoch's last optimizer.step(): set the next epoch's LR
    print(
        f"epoch {epoch}: loss {loss.item():.4f}, next epoch's lr {scheduler.get_last_lr()[0]:.4g}"
    )
