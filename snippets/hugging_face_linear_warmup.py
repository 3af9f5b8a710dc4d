import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import get_scheduler

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"

# 200 samples in micro-batches of 16: 13 micro-batches per epoch, 4 per optimizer step.
inputs = torch.randn(200, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=16, shuffle=True)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).to(device)
loss_fn = nn.MSELoss()

epochs = 8
accumulation_steps = 4
# The counts Hugging Face's Trainer computes: a last, partial window still steps, and a
# float warm-up below 1 is a fraction of the training steps, rounded up.
steps_per_epoch = math.ceil(len(loader) / accumulation_steps)  # 4
num_training_steps = epochs * steps_per_epoch  # 32
num_warmup_steps = math.ceil(0.1 * num_training_steps)  # 4
optimizer = torch.optim.AdamW(model.parameters(), lr=0.05)
scheduler = get_scheduler(
    "linear",  # the Trainer's default lr_scheduler_type
    optimizer,
    num_warmup_steps=num_warmup_steps,
    num_training_steps=num_training_steps,
)

lrs = []
for epoch in range(epochs):
    for i, (batch_inputs, batch_targets) in enumerate(loader):
        batch_inputs, batch_targets = batch_inputs.to(device), batch_targets.to(device)
        window = min(accumulation_steps, len(loader) - (i - i % accumulation_steps))
        loss = loss_fn(model(batch_inputs), batch_targets)
        (loss / window).backward()
        if (i + 1) % accumulation_steps == 0 or i + 1 == len(loader):
            lrs.append(optimizer.param_groups[0]["lr"])  # the LR this step uses
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()

print(f"{len(lrs)} steps, {num_warmup_steps} of warm-up; final loss {loss.item():.4f}")
print("first steps used " + ", ".join(f"{lr:g}" for lr in lrs[:6]) + f"; last {lrs[-1]:g}")
