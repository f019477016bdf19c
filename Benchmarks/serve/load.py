#!/usr/bin/env python3
"""Load on `ldb serve`: N clients editing and reading one project at once over loopback.

Starts the given ldb binary (`ldb serve FOLDER --port P --token T`) on a fresh project of the bundled tiny
model, runs CLIENTS threads for SECONDS, each with its own keep-alive connection, and then checks that no
acknowledged edit was lost: the description of every edit answered 200 is in the history, and every client's last acknowledged value of its own layer is the value at HEAD (each
client edits only its own layer, always on the HEAD it last saw; a 409 gives it the new HEAD to retry on).
Samples the server's resident memory once a second. Prints the latency percentiles of the (non-render) calls.

    swift build -c release --product ldb
    python3 Benchmarks/serve/load.py .build/release/ldb [--clients 20] [--seconds 30]
"""
import argparse, http.client, json, os, random, socket, subprocess, sys, tempfile, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("ldb")
parser.add_argument("--clients", type=int, default=20)
parser.add_argument("--seconds", type=float, default=30)
args = parser.parse_args()

repository = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
model = os.path.join(repository, "Fixtures/models/tiny-sd1")
folder = tempfile.mkdtemp(prefix="ldb-serve-load-")
project = os.path.join(folder, "load.ldbproj")
ldb = os.path.abspath(args.ldb)
subprocess.run([ldb, "new", project, "--model", model, "--prompt", "load", "--seed", "1", "--size", "64x64",
                "--steps", "4", "--blend-steps", "1"], check=True, stdout=subprocess.DEVNULL)
for client in range(args.clients):
    subprocess.run([ldb, "layer", "add", project, "--name", f"c{client}", "--prompt", "p", "--box", "0,0,8,8",
                    "--seed", str(client)], check=True, stdout=subprocess.DEVNULL)

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
token = "loadtest" * 4
server = subprocess.Popen([ldb, "serve", folder, "--port", str(port), "--token", token],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
server.stdout.readline()  # "ldb serve: open …"
headers = {"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}",
           "Authorization": f"Bearer {token}", "Content-Type": "application/json"}
path = "/api/projects/load.ldbproj"

latencies = {}          # call -> [seconds]
acknowledged = []       # (revision id, description)
last_value = {}         # client -> strength last acknowledged
failures = []
conflicts = [0]
lock = threading.Lock()
stop = time.monotonic() + args.seconds


def call(connection, method, target, body=None):
    start = time.perf_counter()
    connection.request(method, target, body=None if body is None else json.dumps(body), headers=headers)
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - start
    return response.status, data, elapsed


def client(number):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    rng = random.Random(number)
    head = None
    step = 0
    while time.monotonic() < stop:
        kind = rng.choice(["info", "history", "mask", "edit", "edit"])
        if kind == "edit" and head is not None:
            step += 1
            value = round((number * 1000 + step) / 100000, 5)
            status, data, elapsed = call(connection, "PATCH", f"{path}/layers/c{number}", {"base": head, "strength": value})
            name = "PATCH layer"
            if status == 200:
                answer = json.loads(data)
                head = answer["project"]["head"]
                with lock:
                    acknowledged.append((head, answer["description"]))
                    last_value[number] = value
            elif status == 409:
                head = json.loads(data).get("head", head)
                with lock:
                    conflicts[0] += 1
            else:
                with lock:
                    failures.append((name, status, data[:200]))
        else:
            target = {"info": path, "history": f"{path}/history", "mask": f"{path}/layers/c{number}/mask.png",
                      "edit": path}[kind]
            name = {"info": "GET project", "history": "GET history", "mask": "GET mask", "edit": "GET project"}[kind]
            status, data, elapsed = call(connection, "GET", target)
            if status != 200:
                with lock:
                    failures.append((name, status, data[:200]))
            elif kind in ("info", "edit"):
                head = json.loads(data)["head"]
        with lock:
            latencies.setdefault(name, []).append(elapsed)


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


memory = []
threads = [threading.Thread(target=client, args=(number,)) for number in range(args.clients)]
for thread in threads:
    thread.start()
while any(thread.is_alive() for thread in threads):
    memory.append(resident_kib(server.pid))
    time.sleep(1)
for thread in threads:
    thread.join()

connection = http.client.HTTPConnection("127.0.0.1", port)
_, data, _ = call(connection, "GET", f"{path}/history")
history = {revision["id"]: revision["description"] for revision in json.loads(data)["revisions"]}
_, data, _ = call(connection, "GET", path)
layers = {layer["name"]: layer for layer in json.loads(data)["layers"]}
server.terminate()
server.wait()

# The answer's HEAD may already be a later client's revision, so an edit is found by its description, which
# names the client's layer and its old and new value (unique within a run).
recorded = set(history.values())
lost = [(revision, description) for revision, description in acknowledged if description not in recorded]
wrong = [(number, value, layers[f"c{number}"]["strength"]) for number, value in last_value.items()
         if abs(layers[f"c{number}"]["strength"] - value) > 1e-9]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


total = sum(len(values) for values in latencies.values())
print(f"{args.clients} clients, {args.seconds:.0f} s, {total} calls ({total / args.seconds:.0f}/s), "
      f"{len(acknowledged)} acknowledged edits, {conflicts[0]} answered 409 (stale HEAD, retried), "
      f"{len(failures)} other failures")
print("| call | count | p50 ms | p99 ms |")
print("| --- | ---: | ---: | ---: |")
for name in sorted(latencies):
    values = latencies[name]
    print(f"| {name} | {len(values)} | {percentile(values, 0.5) * 1000:.1f} | {percentile(values, 0.99) * 1000:.1f} |")
everything = [value for values in latencies.values() for value in values]
print(f"| all | {len(everything)} | {percentile(everything, 0.5) * 1000:.1f} | {percentile(everything, 0.99) * 1000:.1f} |")
print(f"server resident memory: first {memory[0] / 1024:.1f} MiB, max {max(memory) / 1024:.1f} MiB, "
      f"last {memory[-1] / 1024:.1f} MiB ({len(memory)} samples)")
print(f"lost acknowledged edits: {len(lost)}; layers whose last acknowledged value is not at HEAD: {len(wrong)}")
if failures:
    print("failures:", failures[:5])
sys.exit(1 if lost or wrong or failures else 0)
