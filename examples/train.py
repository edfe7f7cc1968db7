# A stand-in training script for examples/command.yaml: reports a learning curve, then the final loss.
import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, required=True)
parser.add_argument("--kind", required=True)
args = parser.parse_args()

target = 2.0 if args.kind == "plain" else -1.0
loss = (args.x - target) ** 2 + (0 if args.kind == "plain" else 1)
for epoch in range(5):
    print("tunekit:", json.dumps({"step": epoch, "value": loss + 5 / (epoch + 1)}), flush=True)
print("tunekit:", json.dumps({"value": loss}))
