import tempfile
from pathlib import Path

import torch
from torch import nn
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# A tiny regression problem, drawn on the CPU so that every device sees the same numbers,
# trained on the whole set at once: one optimizer step per epoch.
inputs = torch.randn(64, 8)
targets = inputs.sum(dim=1, keepdim=True)
inputs, targets = inputs.to(device), targets.to(device)
loss_fn = nn.MSELoss()
epochs, warmup_epochs = 30, 5


def build():
    """Model, optimizer and scheduler as at the start of training, scheduler included."""
    model = nn.Linear(8, 1).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=warmup_epochs)
    decay = CosineAnnealingLR(optimizer, T_max=epochs - warmup_epochs)
    scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[warmup_epochs])
    return model, optimizer, scheduler


def train(model, optimizer, scheduler, first_epoch, stop_epoch, lrs, checkpoint_path):
    """Train epochs first_epoch .. stop_epoch - 1, saving a checkpoint after each."""
    for epoch in range(first_epoch, stop_epoch):
        lrs.append(optimizer.param_groups[0]["lr"])  # the LR this epoch's step uses
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        scheduler.step()  # once per epoch, after optimizer.step()
        torch.save(
            {
                "epoch": epoch + 1,  # the next epoch to train
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "lrs": lrs,
            },
            checkpoint_path,
        )
    return loss


with tempfile.TemporaryDirectory() as folder:
    checkpoint_path = Path(folder) / "checkpoint.pt"

    # First session: stops after 12 of 30 epochs (a crash, a preempted job).
    model, optimizer, scheduler = build()
    loss = train(model, optimizer, scheduler, 0, 12, [], checkpoint_path)
    del model, optimizer, scheduler

    # Second session: rebuild everything from scratch, then load the three states.
    model, optimizer, scheduler = build()
    checkpoint = torch.load(checkpoint_path, map_location=device, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])  # after build(), never before
    scheduler.load_state_dict(checkpoint["scheduler"])
    lrs = checkpoint["lrs"]
    loss = train(model, optimizer, scheduler, checkpoint["epoch"], epochs, lrs, checkpoint_path)

print(
    f"resumed at epoch {checkpoint['epoch']}, {len(lrs)} epochs in all, "
    f"final loss {loss.item():.6f}"
)
