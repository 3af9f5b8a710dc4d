import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# 256 samples in micro-batches of 16: 16 micro-batches per epoch. Gradients of 4
# micro-batches are added up before each optimizer update (an effective batch of 64),
# so an epoch has 16 // 4 = 4 optimizer updates.
inputs = torch.randn(256, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=16, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.MSELoss()

epochs = 10
accumulation_steps = 4
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer,
    max_lr=0.1,
    epochs=epochs,
    steps_per_epoch=len(loader) // accumulation_steps,  # optimizer updates: 40 in all
)

lrs = []
for epoch in range(epochs):
    for i, (batch_inputs, batch_targets) in enumerate(loader):
        batch_inputs, batch_targets = batch_inputs.to(device), batch_targets.to(device)
        loss = loss_fn(model(batch_inputs), batch_targets)
        (loss / accumulation_steps).backward()  # .grad sums the micro-batches
        if (i + 1) % accumulation_steps == 0:  # the last micro-batch of a group
            optimizer.step()
            lrs.append(scheduler.get_last_lr()[0])  # the LR this update used
            scheduler.step()  # once per optimizer update, not per micro-batch
            optimizer.zero_grad()

print(f"{len(lrs)} updates, final loss {loss.item():.4f}, last lr used {lrs[-1]:.3g}")
