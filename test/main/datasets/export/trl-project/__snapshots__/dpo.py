"""DPO of the base LLaVA model (or of sft-out/, see README.md) on the curated pairs (data/dpo.jsonl), with TRL's
DPOTrainer."""
import sys

from trl import DPOConfig, DPOTrainer

import settings
from pivot_trl import PerPartLearningRates, load_base, load_rows, save, training_arguments


class PivotDPOTrainer(PerPartLearningRates, DPOTrainer):
    branch = settings.DPO


def main():
    if len(sys.argv) > 1:
        # `dpo.py sft-out`: DPO after SFT, from the SFT run's folder.
        settings.BASE_MODEL = sys.argv[1]
    # The arguments come first: under ZeRO-3 they tell from_pretrained to load the weights already partitioned.
    args = DPOConfig(
        **training_arguments(settings.DPO, "dpo-out"),
        beta=settings.DPO["beta"],
        # The reference model's log-probs are computed once over the data before the first step (by the model
        # itself, which is the reference then), so no second copy of the model stays in GPU memory.
        precompute_ref_log_probs=True,
        max_length=settings.MAX_LENGTH,
        # The prompt holds the image's tokens: truncating it alone would cut them.
        max_prompt_length=None,
        max_completion_length=None,
    )
    model, processor = load_base(settings.DPO)
    trainer = PivotDPOTrainer(
        model=model,
        ref_model=None,
        args=args,
        train_dataset=load_rows("dpo.jsonl"),
        processing_class=processor,
    )
    trainer.train()
    save(trainer, processor)


if __name__ == "__main__":
    main()
