import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# Noisy linear data, drawn on the CPU so that every device trains on the same numbers.
# The noise is a floor no model gets under, so the validation loss must level off.
true_weights = torch.randn(10, 1)
inputs = torch.randn(768, 10)
targets = inputs @ true_weights + 0.5 * torch.randn(768, 1)
train_inputs, train_targets = inputs[:512].to(device), targets[:512].to(device)
val_inputs, val_targets = inputs[512:].to(device), targets[512:].to(device)
loss_fn = nn.MSELoss()


def train_one_epoch(model, optimizer):
    """One epoch on the whole training set at once: a single optimizer step."""
    model.train()
    optimizer.zero_grad()
    loss = loss_fn(model(train_inputs), train_targets)
    loss.backward()
    optimizer.step()
    return loss


@torch.no_grad()
def validate(model):
    model.eval()
    return loss_fn(model(val_inputs), val_targets).item()


epochs = 100
model = nn.Linear(10, 1).to(device)
# lr=0.2, not the seed's 1e-3: at 1e-3 this 11-parameter model barely moves in 100 steps.
optimizer = torch.optim.AdamW(model.parameters(), lr=0.2)
# This optimizer belongs to this scheduler alone. No `verbose` argument: torch 2.7 removed it.
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
    optimizer, mode="min", factor=0.5, patience=5
)

lrs, val_losses = [], []
for epoch in range(epochs):
    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step uses
    loss = train_one_epoch(model, optimizer)
    val_loss = validate(model)
    val_losses.append(val_loss)
    scheduler.step(val_loss)  # once per epoch, with the metric it watches

print(f"best val loss {min(val_losses):.4f}, LR cut to {scheduler.get_last_lr()[0]:g}")
