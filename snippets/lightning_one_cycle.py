import logging
import warnings

import pytorch_lightning as pl
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class Regression(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1))
        self.lrs = []  # the LR each optimizer step used, read from the optimizer itself

    def training_step(self, batch, batch_idx):
        batch_inputs, batch_targets = batch
        loss = nn.functional.mse_loss(self.net(batch_inputs), batch_targets)
        self.last_loss = loss.detach()
        return loss

    def on_before_optimizer_step(self, optimizer):
        # Lightning calls this once per optimizer step (not per micro-batch), right before it.
        self.lrs.append(optimizer.param_groups[0]["lr"])

    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=0.01, momentum=0.9)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer,
            max_lr=0.1,
            total_steps=self.trainer.estimated_stepping_batches,  # optimizer steps: 30
        )
        # "interval": "step" steps the scheduler after every optimizer step; Lightning's
        # default, "epoch", would step it 5 times in all.
        lr_scheduler = {"scheduler": scheduler, "interval": "step"}
        return {"optimizer": optimizer, "lr_scheduler": lr_scheduler}


# Lightning's start-up notes (devices found, tips) are INFO log records; keep the run quiet.
logging.getLogger("pytorch_lightning").setLevel(logging.WARNING)
torch.manual_seed(0)
# 256 samples in micro-batches of 16: 16 micro-batches per epoch. With 3 micro-batches per
# optimizer step, an epoch makes ceil(16 / 3) = 6 steps: the 16th micro-batch steps alone.
inputs = torch.randn(256, 8)
targets = inputs.sum(dim=1, keepdim=True)
loader = DataLoader(TensorDataset(inputs, targets), batch_size=16, shuffle=True)
model = Regression()

epochs = 5
trainer = pl.Trainer(
    max_epochs=epochs,
    accumulate_grad_batches=3,
    accelerator="auto",  # a GPU if there is one, else the CPU
    devices=1,
    logger=False,
    enable_checkpointing=False,
    enable_progress_bar=False,
    enable_model_summary=False,
)
with warnings.catch_warnings():
    # Lightning 2.6.6 calls torch's LeafSpec(), which torch 2.13 deprecates; no argument avoids it.
    warnings.filterwarnings("ignore", r"`isinstance\(treespec, LeafSpec\)`", FutureWarning)
    # On machines with more than 2 CPU cores Lightning suggests worker processes; 16 batches
    # already in memory gain nothing from them.
    warnings.filterwarnings("ignore", r"The 'train_dataloader' does not have many workers")
    trainer.fit(model, loader)

scheduler = trainer.lr_scheduler_configs[0].scheduler
lrs = model.lrs
loss = model.last_loss
print(f"{trainer.estimated_stepping_batches} optimizer steps, {len(lrs)} learning rates recorded")
print(f"final loss {loss.item():.4f}, highest lr {max(lrs):.3g}, last lr used {lrs[-1]:.3g}")
