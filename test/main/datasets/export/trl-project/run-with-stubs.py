"""Runs an exported project's sft.py or dpo.py (argv[1], from the project folder argv[2]) with torch, datasets,
transformers and trl replaced by recording stand-ins, and prints as JSON what the script handed TRL: the config's
arguments, the trainer's, which parameters stayed trainable, and the optimizer's param groups. The test machine
has none of those libraries; this reads back what the scripts would train with."""
import json
import runpy
import sys
import types

recorded = {}

# A LLaVA model's parameter names in transformers 4.x (vision tower, projector, LM, head).
PARAMETER_NAMES = [
    "vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight",
    "vision_tower.vision_model.encoder.layers.0.mlp.fc1.bias",
    "multi_modal_projector.linear_1.weight",
    "language_model.model.layers.0.mlp.up_proj.weight",
    "lm_head.weight",
]


class Parameter:
    def __init__(self, name):
        self.name = name
        self.requires_grad = True

    def requires_grad_(self, value):
        self.requires_grad = value


class Model:
    def __init__(self):
        self.parameters = [Parameter(name) for name in PARAMETER_NAMES]

    def named_parameters(self):
        return [(p.name, p) for p in self.parameters]


class Llava:
    @staticmethod
    def from_pretrained(path, **kwargs):
        recorded["base_model"] = path
        return Model()


class Tokenizer:
    pad_token = None
    eos_token = "</s>"
    padding_side = "left"

    def convert_tokens_to_ids(self, token):
        return 32000


class Processor:
    chat_template = None
    image_token = "<image>"
    tokenizer = Tokenizer()


class AutoProcessor:
    @staticmethod
    def from_pretrained(path):
        return Processor()


class Rows:
    def __init__(self, file):
        self.file = file

    def map(self, fn):
        return self

    def cast_column(self, column, feature):
        return self


def load_dataset(kind, data_files, split):
    recorded["data_files"] = data_files
    return Rows(data_files)


def config(**kwargs):
    recorded["config"] = kwargs
    return types.SimpleNamespace(**kwargs, adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8)


class Trainer:
    optimizer = None

    def __init__(self, model, args, **kwargs):
        self.model = model
        self.args = args
        recorded["trainer"] = sorted(kwargs)
        recorded["ref_model"] = repr(kwargs.get("ref_model", "absent"))

    def get_decay_parameter_names(self, model):
        return [name for name, _ in model.named_parameters() if not name.endswith(".bias")]

    def train(self):
        recorded["trainable"] = [name for name, p in self.model.named_parameters() if p.requires_grad]
        groups = self.create_optimizer().param_groups
        recorded["param_groups"] = [
            {"lr": g["lr"], "weight_decay": g["weight_decay"], "params": [p.name for p in g["params"]]} for g in groups
        ]


class AdamW:
    def __init__(self, param_groups, **kwargs):
        self.param_groups = param_groups


def stub(name, **attributes):
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    sys.modules[name] = module
    return module


torch = stub("torch", bfloat16="bfloat16")
torch.optim = stub("torch.optim", AdamW=AdamW)
stub("datasets", Image=object, Sequence=lambda feature: feature, load_dataset=load_dataset)
stub("transformers", AutoProcessor=AutoProcessor, LlavaForConditionalGeneration=Llava)
stub("trl", SFTConfig=config, DPOConfig=config, SFTTrainer=Trainer, DPOTrainer=Trainer)

script, folder = sys.argv[1], sys.argv[2]
sys.path.insert(0, folder)
sys.argv = [script, *sys.argv[3:]]
import pivot_trl  # noqa: E402  (after the stand-ins)

pivot_trl.save = lambda trainer, processor: None
runpy.run_path(f"{folder}/{script}", run_name="__main__")
print(json.dumps(recorded))
