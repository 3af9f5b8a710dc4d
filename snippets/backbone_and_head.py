import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# A tiny regression problem, small enough to train on the whole set at once:
# one optimizer step per epoch.
inputs = torch.randn(64, 8, device=device)
targets = inputs.sum(dim=1, keepdim=True)
backbone = nn.Sequential(nn.Linear(8, 16), nn.ReLU()).to(device)  # think: pretrained
head = nn.Linear(16, 1).to(device)  # think: new, trained from scratch
model = nn.Sequential(backbone, head)
loss_fn = nn.MSELoss()

epochs = 30
optimizer = torch.optim.SGD(
    [
        {"params": backbone.parameters(), "lr": 0.01},  # group 0: its own, smaller lr
        {"params": head.parameters()},  # group 1: the default lr below
    ],
    lr=0.1,
    momentum=0.9,
)
# One scheduler for the whole optimizer: it scales each group's own starting lr.
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)

lrs, head_lrs = [], []
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    backbone_lr, head_lr = scheduler.get_last_lr()  # one LR per parameter group
    lrs.append(backbone_lr)
    head_lrs.append(head_lr)
    scheduler.step()  # once per epoch, after optimizer.step()

print(f"final loss {loss.item():.4f}, head/backbone LR ratio {head_lrs[-1] / lrs[-1]:g}")
