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

epochs, warmup_epochs = 40, 5
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
# total_iters equals the milestone, so the ramp ends exactly where the cosine takes over.
warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=warmup_epochs)
# The cosine counts its own steps from the milestone: T_max is what is left after warm-up.
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs - warmup_epochs)
scheduler = torch.optim.lr_scheduler.SequentialLR(
    optimizer, schedulers=[warmup, cosine], milestones=[warmup_epochs]
)

lrs = []
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step used
    scheduler.step()  # once per epoch; SequentialLR steps only the active scheduler

print(f"final loss {loss.item():.4f}, peak lr {max(lrs):g} at epoch {lrs.index(max(lrs))}")
