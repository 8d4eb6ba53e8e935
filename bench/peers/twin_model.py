"""The plain-PyTorch twin of the engine's MLLM (src-main/engine/models/mllm): vision tower -> features of hidden state
-2 (CLS dropped for CLIP, no final norm) -> projector Linear-GELU(exact)-Linear -> Qwen2 LM (RMSNorm, RoPE, GQA with
q/k/v biases, SwiGLU, tied lm_head) over [image tokens, text tokens]. Shared by mllm_step.py (step times) and
relations_twin.py (can the twin learn relation questions). Import it after peer_torch.import_torch(threads): the
thread count must be in the environment before torch loads OpenBLAS.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

FEATURE_LAYER = -2      # LLaVA's vision_feature_layer, the engine's default
MASK_BIAS = -1e9        # the engine's additive mask (src-main/engine/nn/attention.ts)

def activation(name):
    if name == 'gelu':
        return lambda x: F.gelu(x)
    if name == 'gelu_pytorch_tanh':
        return lambda x: F.gelu(x, approximate='tanh')
    if name == 'quick_gelu':
        return lambda x: x * torch.sigmoid(1.702 * x)
    if name == 'silu':
        return F.silu
    raise ValueError(name)


def repeat_kv(x, heads):
    """[B, Hkv, T, D] -> [B, heads, T, D], each KV head serving heads/Hkv consecutive query heads (transformers' repeat_kv)."""
    b, kv, t, d = x.shape
    if kv == heads:
        return x
    return x[:, :, None].expand(b, kv, heads // kv, t, d).reshape(b, heads, t, d)


def attend(q, k, v, bias, mode):
    """softmax(q k^T / sqrt(D) + bias) v on [B, H, T, D]; bias additive, broadcastable to [B, H, T, T] (or None)."""
    if mode == 'sdpa':
        return F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(q.shape[-1]))
    if bias is not None:
        scores = scores + bias
    return torch.matmul(torch.softmax(scores, dim=-1), v)


class VisionAttention(nn.Module):
    def __init__(self, hidden, heads, mode):
        super().__init__()
        self.heads, self.mode = heads, mode
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(hidden, hidden) for _ in range(4))

    def forward(self, x):
        b, t, c = x.shape
        split = lambda y: y.view(b, t, self.heads, c // self.heads).transpose(1, 2)  # noqa: E731
        out = attend(split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x)), None, self.mode)
        return self.out_proj(out.transpose(1, 2).reshape(b, t, c))


class VisionMLP(nn.Module):
    def __init__(self, hidden, intermediate, act):
        super().__init__()
        self.fc1, self.fc2, self.act = nn.Linear(hidden, intermediate), nn.Linear(intermediate, hidden), activation(act)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class VisionLayer(nn.Module):
    def __init__(self, v, mode):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(v['hidden'], eps=v['eps'])
        self.self_attn = VisionAttention(v['hidden'], v['heads'], mode)
        self.layer_norm2 = nn.LayerNorm(v['hidden'], eps=v['eps'])
        self.mlp = VisionMLP(v['hidden'], v['intermediate'], v['act'])

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.mlp(self.layer_norm2(x))


class VisionTower(nn.Module):
    """CLIPVisionModel (class token, bias-free patch conv, pre_layrnorm) or SiglipVisionModel without head."""

    def __init__(self, v, mode):
        super().__init__()
        self.clip = v['family'] == 'clip'
        h, p = v['hidden'], v['patch_size']
        self.num_patches = (v['image_size'] // p) ** 2
        self.patch_embedding = nn.Conv2d(3, h, kernel_size=p, stride=p, bias=not self.clip)
        if self.clip:
            self.class_embedding = nn.Parameter(torch.empty(h))
            self.pre_layrnorm = nn.LayerNorm(h, eps=v['eps'])
        self.position_embedding = nn.Parameter(torch.empty(self.num_patches + (1 if self.clip else 0), h))
        self.layers = nn.ModuleList(VisionLayer(v, mode) for _ in range(v['layers']))
        # Part of the model (and of its parameter count) but never used for the features, as in the engine.
        self.post_layernorm = nn.LayerNorm(h, eps=v['eps'])

    def features(self, pixels, feature_layer=FEATURE_LAYER):
        """hidden_states[feature_layer] without the class token: [B, num_patches, hidden]."""
        count = len(self.layers) + 1
        index = count + feature_layer if feature_layer < 0 else feature_layer
        x = self.patch_embedding(pixels).flatten(2).transpose(1, 2)
        if self.clip:
            x = torch.cat([self.class_embedding.expand(x.shape[0], 1, -1), x], dim=1)
            x = self.pre_layrnorm(x + self.position_embedding)
        else:
            x = x + self.position_embedding
        for layer in self.layers[:index]:
            x = layer(x)
        return x[:, 1:] if self.clip else x


class Projector(nn.Module):
    """LlavaMultiModalProjector: linear_1 -> exact GELU -> linear_2."""

    def __init__(self, vision_hidden, text_hidden, gelu=True):
        super().__init__()
        self.linear_1, self.linear_2 = nn.Linear(vision_hidden, text_hidden), nn.Linear(text_hidden, text_hidden)
        self.gelu = gelu  # twin-pos: False (identity between the two linears)

    def forward(self, x):
        h = self.linear_1(x)
        return self.linear_2(F.gelu(h) if self.gelu else h)


class RMSNorm(nn.Module):
    def __init__(self, hidden, eps):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(hidden)), eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat([-b, a], dim=-1)


class Qwen2Attention(nn.Module):
    def __init__(self, c, mode):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim, self.mode = c['heads'], c['kv_heads'], c['hidden'] // c['heads'], mode
        h, kv = c['hidden'], c['kv_heads'] * (c['hidden'] // c['heads'])
        self.q_proj, self.k_proj, self.v_proj = nn.Linear(h, h), nn.Linear(h, kv), nn.Linear(h, kv)
        self.o_proj = nn.Linear(h, h, bias=False)

    def forward(self, x, cos, sin, bias):
        b, t, c = x.shape
        split = lambda y, n: y.view(b, t, n, self.head_dim).transpose(1, 2)  # noqa: E731
        q = split(self.q_proj(x), self.heads)
        k = split(self.k_proj(x), self.kv_heads)
        v = split(self.v_proj(x), self.kv_heads)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        out = attend(q, repeat_kv(k, self.heads), repeat_kv(v, self.heads), bias, self.mode)
        return self.o_proj(out.transpose(1, 2).reshape(b, t, c))


class Qwen2MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, i = c['hidden'], c['intermediate']
        self.gate_proj, self.up_proj, self.down_proj = nn.Linear(h, i, bias=False), nn.Linear(h, i, bias=False), nn.Linear(i, h, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Qwen2Layer(nn.Module):
    def __init__(self, c, mode):
        super().__init__()
        self.input_layernorm = RMSNorm(c['hidden'], c['eps'])
        self.self_attn = Qwen2Attention(c, mode)
        self.post_attention_layernorm = RMSNorm(c['hidden'], c['eps'])
        self.mlp = Qwen2MLP(c)

    def forward(self, x, cos, sin, bias):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, bias)
        return x + self.mlp(self.post_attention_layernorm(x))


class Qwen2ForCausalLM(nn.Module):
    """Qwen2 with tied embeddings: logits = norm(h) E^T."""

    def __init__(self, c, mode):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c['vocab'], c['hidden'])
        self.layers = nn.ModuleList(Qwen2Layer(c, mode) for _ in range(c['layers']))
        self.norm = RMSNorm(c['hidden'], c['eps'])
        self._rope = {}

    def rope(self, length, device):
        """cos, sin [1, 1, T, D] for positions 0..T-1 (float64 angles rounded once, as the engine)."""
        key = (length, str(device))
        if key not in self._rope:
            d = self.c['hidden'] // self.c['heads']
            inv_freq = 1.0 / (self.c['rope_theta'] ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
            angles = torch.arange(length, dtype=torch.float64)[:, None] * inv_freq[None]
            emb = torch.cat([angles, angles], dim=-1)
            self._rope[key] = (emb.cos().float()[None, None].to(device), emb.sin().float()[None, None].to(device))
        return self._rope[key]

    def forward(self, embeds, attention_mask):
        b, t, _ = embeds.shape
        cos, sin = self.rope(t, embeds.device)
        causal = torch.full((t, t), MASK_BIAS, device=embeds.device).triu(1)
        bias = causal[None, None] + ((1.0 - attention_mask) * MASK_BIAS)[:, None, None, :]
        x = embeds
        for layer in self.layers:
            x = layer(x, cos, sin, bias)
        return F.linear(self.norm(x), self.embed_tokens.weight)


class Mllm(nn.Module):
    def __init__(self, cfg, mode, projector_gelu=True):
        super().__init__()
        self.vision_tower = VisionTower(cfg['vision'], mode)
        self.multi_modal_projector = Projector(cfg['vision']['hidden'], cfg['lm']['hidden'], projector_gelu)
        self.language_model = Qwen2ForCausalLM(cfg['lm'], mode)
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self):
        """The engine's init: weights and embeddings normal(0, 0.02), biases zeros, norms ones."""
        for name, p in self.named_parameters():
            if name.endswith('.bias'):
                p.zero_()
            elif 'norm' in name.split('.')[-2]:
                p.fill_(1.0)
            else:
                p.normal_(0.0, 0.02)

    def forward(self, pixels, text_ids, image_index, attention_mask):
        """Logits [R, N + T, V] of rows [image tokens of image image_index[r], text_ids[r]]."""
        image = self.multi_modal_projector(self.vision_tower.features(pixels))
        if image_index is not None:
            image = image[image_index]          # DPO: chosen and rejected rows share their pair's image
        text = self.language_model.embed_tokens(text_ids)
        return self.language_model(torch.cat([image, text], dim=1), attention_mask)



# ------------------------------------------------------------------------------------------------------ data ----
