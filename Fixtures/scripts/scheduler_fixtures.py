"""Writes the diffusers DDIM references that LDBDiffusionTests compares the Swift schedulers against.

Run with the project's virtual env:  /work/venv/bin/python Fixtures/scripts/scheduler_fixtures.py
(or through Fixtures/make_fixtures.py scheduler_fixtures).

For each configuration below (given as the scheduler_config.json a model would ship), diffusers 0.42's
`DDIMScheduler.from_config` and `DDIMInverseScheduler.from_config` (torch CPU, float32) provide:
  alphas_cumprod                        the whole table, float32
  ddim[steps].timesteps                 after `set_timesteps(steps)`
  ddim[steps].steps[i]                  `step(output, t, sample, eta=0).prev_sample` at a few t of that list
  inverse[steps]                        the same for the inverse scheduler (leading/trailing spacing only)
A step that diffusers cannot take (it raises, e.g. an index past the table) is recorded with "error": true.
Float32 tensors are stored as base64 of their little-endian bytes. Everything lands in
Fixtures/scheduler/ddim.json.
"""

import base64
import json
import os

import numpy as np
import torch
from diffusers import DDIMInverseScheduler, DDIMScheduler

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "scheduler", "ddim.json")

SD15 = {  # runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json (a PNDM config, as shipped)
    "_class_name": "PNDMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "num_train_timesteps": 1000,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
    "clip_sample": False,
}

CONFIGS = {
    "sd15": SD15,
    "sd21-v": {**SD15, "_class_name": "DDIMScheduler", "prediction_type": "v_prediction"},
    "defaults": {},
    "linspace": {**SD15, "timestep_spacing": "linspace"},
    "cosine-sample": {
        "beta_schedule": "squaredcos_cap_v2",
        "prediction_type": "sample",
        "clip_sample": True,
        "clip_sample_range": 0.5,
        "timestep_spacing": "trailing",
    },
    "zero-snr-trailing": {
        **SD15,
        "prediction_type": "v_prediction",
        "rescale_betas_zero_snr": True,
        "timestep_spacing": "trailing",
    },
    "linear-trailing": {"beta_schedule": "linear", "clip_sample": False, "timestep_spacing": "trailing"},
    "trained-betas": {
        "num_train_timesteps": 100,
        "trained_betas": [float(b) for b in np.linspace(0.001, 0.2, 100) ** 1.5],
        "steps_offset": 2,
        "clip_sample": False,
        "set_alpha_to_one": True,
    },
    "inverse-alpha-to-zero": {**SD15, "set_alpha_to_zero": True},
}

STEP_COUNTS = [1, 2, 6, 20, 50, 61, 1000]
STEPPED_COUNTS = [1, 6, 50, 61, 1000]
SHAPE = (2, 4, 3, 5)


def b64(tensor):
    return base64.b64encode(tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()).decode()


def try_step(scheduler, output, timestep, sample, **kwargs):
    try:
        return {"timestep": timestep, "prev_sample": b64(scheduler.step(output, timestep, sample, **kwargs).prev_sample)}
    except (IndexError, RuntimeError):
        return {"timestep": timestep, "error": True}


def picks(timesteps):
    """First, middle and last of a schedule (each once)."""
    return sorted({0, len(timesteps) // 2, len(timesteps) - 1})


def main():
    generator = torch.Generator().manual_seed(20250603)
    output = torch.randn(SHAPE, generator=generator)
    sample = torch.randn(SHAPE, generator=generator) * 1.5
    cases = {}
    for name, config in CONFIGS.items():
        ddim = DDIMScheduler.from_config(config)
        inverse = DDIMInverseScheduler.from_config(config)
        train = ddim.config.num_train_timesteps
        case = {
            "config": config,
            "alphas_cumprod": b64(ddim.alphas_cumprod),
            "final_alpha_cumprod": float(ddim.final_alpha_cumprod),
            "initial_alpha_cumprod": float(inverse.initial_alpha_cumprod),
            "ddim": [],
            "inverse": [],
        }
        for steps in STEP_COUNTS:
            if steps > train:
                continue
            ddim.set_timesteps(steps)
            timesteps = [int(t) for t in ddim.timesteps]
            entry = {"steps": steps, "timesteps": timesteps, "steps_checked": []}
            if steps in STEPPED_COUNTS:
                for index in picks(timesteps):
                    entry["steps_checked"].append(try_step(ddim, output, timesteps[index], sample, eta=0.0))
            case["ddim"].append(entry)

            if inverse.config.timestep_spacing == "linspace":
                continue
            inverse.set_timesteps(steps)
            timesteps = [int(t) for t in inverse.timesteps]
            entry = {"steps": steps, "timesteps": timesteps, "steps_checked": []}
            if steps in STEPPED_COUNTS:
                for index in picks(timesteps):
                    entry["steps_checked"].append(try_step(inverse, output, timesteps[index], sample))
            case["inverse"].append(entry)
        cases[name] = case

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"shape": list(SHAPE), "output": b64(output), "sample": b64(sample), "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} scheduler configurations to {OUT}")


if __name__ == "__main__":
    main()
