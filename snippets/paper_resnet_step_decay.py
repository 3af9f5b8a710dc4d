import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# A tiny regression problem, small enough to train on the whole set at once:
# one optimizer step per epoch.
inputs = torch.randn(64, 8, device=device)
targets = inputs.sum(dim=1, keepdim=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.MSELoss()

# torchvision's ImageNet reference for ResNet: SGD with lr 0.1, momentum 0.9 and
# weight decay 1e-4 for 90 epochs, the LR divided by 10 every 30 epochs.
epochs = 90
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=30, gamma=0.1)

lrs = []
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step used
    scheduler.step()  # once per epoch, after optimizer.step()

used = ", ".join(f"{lr:g}" for lr in sorted(set(lrs), reverse=True))
print(f"final loss {loss.item():.4f}, LRs used: {used}")
