// The exported project's Python: pivot_trl.py (what sft.py and dpo.py share: the data, the base model, which parts
// train, one AdamW param group per part), sft.py on TRL's SFTTrainer and dpo.py on TRL's DPOTrainer (one template,
// their differences as parameters), written for the versions pinned in requirements.ts (TRL 0.19's
// examples/scripts/sft_vlm.py and dpo_vlm.py are their models).

/** What sets sft.py and dpo.py apart; the rest of the two scripts is one template (trainerScript). Each piece of Python
 * is whole lines, each ending in a newline, indented as it stands in the script. */
interface TrainerScript {
  /** TRL's `<kind>Config` and `<kind>Trainer`, the branch `settings.<kind>`, the output `<kind>-out/` and `data/<kind>.jsonl`. */
  kind: 'SFT' | 'DPO';
  /** The module docstring, without its quotes. */
  docstring: string;
  /** Standard-library imports, above TRL's. */
  imports?: string;
  /** main()'s first lines, before the training arguments. */
  beforeArgs?: string;
  /** The config's fields beyond the training arguments both trainers take. */
  config: string;
  /** main()'s lines between loading the base model and building the trainer. */
  afterLoad?: string;
  /** The trainer's own keyword arguments, before and after `args`. */
  trainerBeforeArgs?: string;
  trainerAfterArgs?: string;
}

/** sft.py or dpo.py: the settings' branch, the shared pivot_trl.py pieces around TRL's trainer, then save. */
function trainerScript(script: TrainerScript): string {
  const { kind } = script;
  const lower = kind.toLowerCase();
  return `"""${script.docstring}"""
${script.imports ?? ''}from trl import ${kind}Config, ${kind}Trainer

import settings
from pivot_trl import PerPartLearningRates, load_base, load_rows, save, training_arguments


class Pivot${kind}Trainer(PerPartLearningRates, ${kind}Trainer):
    branch = settings.${kind}


def main():
${script.beforeArgs ?? ''}    # The arguments come first: under ZeRO-3 they tell from_pretrained to load the weights already partitioned.
    args = ${kind}Config(
        **training_arguments(settings.${kind}, "${lower}-out"),
${script.config}    )
    model, processor = load_base(settings.${kind})
${script.afterLoad ?? ''}    trainer = Pivot${kind}Trainer(
        model=model,
${script.trainerBeforeArgs ?? ''}        args=args,
${script.trainerAfterArgs ?? ''}        train_dataset=load_rows("${lower}.jsonl"),
        processing_class=processor,
    )
    trainer.train()
    save(trainer, processor)


if __name__ == "__main__":
    main()
`;
}

/** File name → contents. */
export const PYTHON_FILES: Readonly<Record<string, string>> = {
  'pivot_trl.py': `"""What sft.py and dpo.py share: the exported data, the base LLaVA model and its processor, which parts train,
and AdamW with one learning rate per part (vision encoder, projector, language model), as PIVOT trains them."""
from pathlib import Path

import torch
from datasets import Image, Sequence, load_dataset
from transformers import AutoProcessor, LlavaForConditionalGeneration

import settings

HERE = Path(__file__).resolve().parent

# transformers 4.x names the parts vision_tower.* / multi_modal_projector.* / language_model.*; 5.x puts model. first.
ENCODER_PREFIXES = ("vision_tower.", "model.vision_tower.")
PROJECTOR_PREFIXES = ("multi_modal_projector.", "model.multi_modal_projector.")

# LLaVA-1.5's template, for a base whose processor has none (as TRL's dpo_vlm.py sets it).
LLAVA_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] == 'user' %}USER: {% else %}ASSISTANT: {% endif %}"
    "{% for item in message['content'] %}{% if item['type'] == 'text' %}{{ item['text'] }}"
    "{% elif item['type'] == 'image' %}<image>{% endif %}{% endfor %}"
    "{% if message['role'] == 'user' %} {% else %}{{ eos_token }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}ASSISTANT: {% endif %}"
)


def part_of(name):
    """The part a parameter belongs to: encoder, projector or lm (the recipe's names)."""
    if name.startswith(ENCODER_PREFIXES):
        return "encoder"
    if name.startswith(PROJECTOR_PREFIXES):
        return "projector"
    return "lm"


def load_rows(file_name):
    """data/<file_name> with its image paths (relative to data/) opened as PIL images, as TRL's VLM trainers want."""
    data = HERE / "data"
    rows = load_dataset("json", data_files=str(data / file_name), split="train")
    rows = rows.map(lambda row: {"images": [str(data / path) for path in row["images"]]})
    return rows.cast_column("images", Sequence(Image()))


def load_base(branch):
    """The base model in bfloat16 with only the branch's trainable parts left trainable, and its processor."""
    model = LlavaForConditionalGeneration.from_pretrained(settings.BASE_MODEL, torch_dtype=torch.bfloat16)
    for name, parameter in model.named_parameters():
        # The vision tower trains like the rest unless the recipe says otherwise: PIVOT measures what post-training
        # does to the encoder, so it is never frozen by default.
        parameter.requires_grad_(part_of(name) in branch["trainable"])
    processor = AutoProcessor.from_pretrained(settings.BASE_MODEL)
    if processor.chat_template is None:
        processor.chat_template = LLAVA_CHAT_TEMPLATE
    if processor.tokenizer.pad_token is None:
        processor.tokenizer.pad_token = processor.tokenizer.eos_token
    return model, processor


def training_arguments(branch, output_dir):
    """The TrainingArguments fields both trainers take, from the branch's settings."""
    return dict(
        output_dir=str(HERE / output_dir),
        learning_rate=branch["lm_lr"],
        num_train_epochs=branch["epochs"],
        per_device_train_batch_size=branch["per_device_batch_size"],
        gradient_accumulation_steps=branch["gradient_accumulation_steps"],
        warmup_ratio=branch["warmup_ratio"],
        weight_decay=branch["weight_decay"],
        max_grad_norm=branch["max_grad_norm"],
        lr_scheduler_type="cosine",
        seed=branch["seed"],
        data_seed=branch["seed"],
        bf16=True,
        gradient_checkpointing=True,
        gradient_checkpointing_kwargs={"use_reentrant": False},
        logging_steps=1,
        save_strategy="epoch",
        report_to="none",
    )


class PerPartLearningRates:
    """A trainer mixin: AdamW with one param group per part and its own LR (the scheduler scales each group's own
    peak). transformers' Trainer builds its optimizer here under DDP and DeepSpeed alike (the DeepSpeed configs
    leave the optimizer to it)."""

    branch = None

    def create_optimizer(self):
        if self.optimizer is None:
            decay = set(self.get_decay_parameter_names(self.model))
            lrs = {"encoder": self.branch["encoder_lr"], "projector": self.branch["projector_lr"], "lm": self.branch["lm_lr"]}
            groups = {}
            for name, parameter in self.model.named_parameters():
                if parameter.requires_grad:
                    groups.setdefault((part_of(name), name in decay), []).append(parameter)
            self.optimizer = torch.optim.AdamW(
                [
                    {"params": params, "lr": lrs[part], "weight_decay": self.args.weight_decay if decays else 0.0}
                    for (part, decays), params in groups.items()
                ],
                betas=(self.args.adam_beta1, self.args.adam_beta2),
                eps=self.args.adam_epsilon,
            )
        return self.optimizer


def save(trainer, processor):
    """The trained model as a LLaVA folder (config, safetensors, tokenizer, preprocessor config) in output_dir,
    which \`pivot runs import\` brings back as a run."""
    trainer.save_model(trainer.args.output_dir)
    if trainer.accelerator.is_main_process:
        processor.save_pretrained(trainer.args.output_dir)
`,

  'sft.py': trainerScript({
    kind: 'SFT',
    docstring: "SFT of the base LLaVA model on the curated pairs' chosen answers (data/sft.jsonl), with TRL's SFTTrainer.",
    config: `        remove_unused_columns=False,
        dataset_kwargs={"skip_prepare_dataset": True},
`,
    afterLoad: `    # Right padding, so that each row's prompt tokens are its first ones (masked below).
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

`,
    trainerAfterArgs: `        data_collator=collate,
`,
  }),

  'dpo.py': trainerScript({
    kind: 'DPO',
    docstring: `DPO of the base LLaVA model (or of sft-out/, see README.md) on the curated pairs (data/dpo.jsonl), with TRL's
DPOTrainer.`,
    imports: `import sys

`,
    beforeArgs: `    if len(sys.argv) > 1:
        # \`dpo.py sft-out\`: DPO after SFT, from the SFT run's folder.
        settings.BASE_MODEL = sys.argv[1]
`,
    config: `        beta=settings.DPO["beta"],
        # The reference model's log-probs are computed once over the data before the first step (by the model
        # itself, which is the reference then), so no second copy of the model stays in GPU memory.
        precompute_ref_log_probs=True,
        max_length=settings.MAX_LENGTH,
        # The prompt holds the image's tokens: truncating it alone would cut them.
        max_prompt_length=None,
        max_completion_length=None,
`,
    trainerBeforeArgs: `        ref_model=None,
`,
  }),
};
