"""SFT of the base LLaVA model on the curated pairs' chosen answers (data/sft.jsonl), with TRL's SFTTrainer."""
from trl import SFTConfig, SFTTrainer

import settings
from pivot_trl import PerPartLearningRates, load_base, load_rows, save, training_arguments


class PivotSFTTrainer(PerPartLearningRates, SFTTrainer):
    branch = settings.SFT


def main():
    # The arguments come first: under ZeRO-3 they tell from_pretrained to load the weights already partitioned.
    args = SFTConfig(
        **training_arguments(settings.SFT, "sft-out"),
        remove_unused_columns=False,
        dataset_kwargs={"skip_prepare_dataset": True},
    )
    model, processor = load_base(settings.SFT)
    # Right padding, so that each row's prompt tokens are its first ones (masked below).
    processor.tokenizer.padding_side = "right"
    image_token_id = processor.tokenizer.convert_tokens_to_ids(processor.image_token)
    truncation = {} if settings.MAX_LENGTH is None else {"truncation": True, "max_length": settings.MAX_LENGTH}

    def collate(rows):
        images = [row["images"][0] for row in rows]
        full = [processor.apply_chat_template(row["messages"], tokenize=False) for row in rows]
        prompts = [processor.apply_chat_template(row["messages"][:-1], tokenize=False, add_generation_prompt=True) for row in rows]
        batch = processor(images=images, text=full, return_tensors="pt", padding=True, **truncation)
        prompt_lengths = processor(images=images, text=prompts, return_tensors="pt", padding=True)["attention_mask"].sum(dim=1)
        labels = batch["input_ids"].clone()
        # The loss is on the answer alone, as PIVOT's sft objective computes it.
        for i, length in enumerate(prompt_lengths.tolist()):
            labels[i, :length] = -100
        labels[batch["attention_mask"] == 0] = -100
        labels[labels == image_token_id] = -100
        batch["labels"] = labels
        return batch

    trainer = PivotSFTTrainer(
        model=model,
        args=args,
        data_collator=collate,
        train_dataset=load_rows("sft.jsonl"),
        processing_class=processor,
    )
    trainer.train()
    save(trainer, processor)


if __name__ == "__main__":
    main()
