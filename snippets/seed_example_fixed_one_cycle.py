import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# Noisy linear data, drawn on the CPU and moved to the device batch by batch.
true_weights = torch.randn(10, 1)
inputs = torch.randn(768, 10)
targets = inputs @ true_weights + 0.5 * torch.randn(768, 1)
# 512 training samples in batches of 32: 16 optimizer steps per epoch.
loader = DataLoader(TensorDataset(inputs[:512], targets[:512]), batch_size=32, shuffle=True)
val_inputs, val_targets = inputs[512:].to(device), targets[512:].to(device)
loss_fn = nn.MSELoss()


def train_one_epoch(model, optimizer, scheduler, lrs):
    """One pass over the loader; OneCycleLR takes a step after every batch."""
    model.train()
    for batch_inputs, batch_targets in loader:
        batch_inputs, batch_targets = batch_inputs.to(device), batch_targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(batch_inputs), batch_targets)
        loss.backward()
        optimizer.step()
        lrs.append(scheduler.get_last_lr()[0])  # the LR this batch's step used
        scheduler.step()  # once per batch, after optimizer.step()
    return loss


@torch.no_grad()
def validate(model):
    model.eval()
    return loss_fn(model(val_inputs), val_targets).item()


epochs = 10  # the same number for the scheduler and for the loop below
model = nn.Linear(10, 1).to(device)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)  # OneCycleLR replaces this lr
# This optimizer belongs to this scheduler alone.
# max_lr=0.2, not the seed's 1e-2: this tiny model needs larger steps to get anywhere.
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer,
    max_lr=0.2,
    epochs=epochs,
    steps_per_epoch=len(loader),  # 10 * 16 = 160 steps
)

lrs = []
for epoch in range(epochs):
    loss = train_one_epoch(model, optimizer, scheduler, lrs)
    val_loss = validate(model)

print(f"{len(lrs)} steps, final val loss {val_loss:.4f}, last lr {lrs[-1]:.3g}")
