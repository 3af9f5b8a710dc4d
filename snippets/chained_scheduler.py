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
# Both act on the same LR at once: a tenth of it for the first 5 epochs, times 0.9 per epoch.
constant = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=0.1, total_iters=5)
decay = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
scheduler = torch.optim.lr_scheduler.ChainedScheduler([constant, decay], optimizer=optimizer)

epochs = 30
lrs = []
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    lrs.append(scheduler.get_last_lr()[0])  # the LR this epoch's step used
    scheduler.step()  # steps every chained scheduler, once per epoch

print(f"final loss {loss.item():.4f}, peak lr {max(lrs):.4g} at epoch {lrs.index(max(lrs))}")
