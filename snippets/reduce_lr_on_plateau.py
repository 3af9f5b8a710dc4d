import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# Noisy linear targets: the noise (variance 0.25) is a floor no model gets under, so the
# validation loss must plateau. Drawn on the CPU so that every device sees the same data.
true_weights = torch.randn(8, 1)
inputs = torch.randn(768, 8)
targets = inputs @ true_weights + 0.5 * torch.randn(768, 1)
train_inputs, val_inputs = inputs[:512].to(device), inputs[512:].to(device)
train_targets, val_targets = targets[:512].to(device), targets[512:].to(device)
model = nn.Linear(8, 1).to(device)
loss_fn = nn.MSELoss()

optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
    optimizer, mode="min", factor=0.5, patience=3, cooldown=2, min_lr=0.05
)

epochs = 40
lrs, val_losses = [], []
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(train_inputs), train_targets)
    loss.backward()
    optimizer.step()
    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step used

    with torch.no_grad():
        val_loss = loss_fn(model(val_inputs), val_targets).item()
    val_losses.append(val_loss)
    scheduler.step(val_loss)  # once per epoch, with the metric it watches

print(f"best val loss {min(val_losses):.4f}, final lr {scheduler.get_last_lr()[0]:g}")
