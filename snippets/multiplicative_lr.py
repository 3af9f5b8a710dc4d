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

optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
# The lambda gives the factor for this step relative to the previous LR, not to lr=0.1:
# hold the LR for the first 10 epochs, then shrink it by 10% per epoch.
scheduler = torch.optim.lr_scheduler.MultiplicativeLR(
    optimizer, lr_lambda=lambda epoch: 1.0 if epoch < 10 else 0.9
)

epochs = 40
lrs = []
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step used
    scheduler.step()  # once per epoch, after optimizer.step()

print(f"final loss {loss.item():.4f}, last lr used {lrs[-1]:.4g}")
