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

epochs = 40
warmup_epochs = 5


def warmup_then_linear_decay(epoch):
    # A factor, not a learning rate: the LR of this epoch is 0.1 times it.
    if epoch < warmup_epochs:
        return (epoch + 1) / warmup_epochs
    # max(): past `epochs` the factor would turn negative, and LambdaLR would use it.
    return max(0.0, (epochs - epoch) / (epochs - warmup_epochs))


optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_then_linear_decay)

lrs = []
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step used
    scheduler.step()  # once per epoch, after optimizer.step()

print(f"final loss {loss.item():.4f}, last lr used {lrs[-1]:.4g}")
