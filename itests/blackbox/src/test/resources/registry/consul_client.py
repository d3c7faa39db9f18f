# A real Consul client (Debian's python3-consul) against Keel's /v1 API, driven by RegistryIT.
#   consul_client.py PORT passing NAME [INDEX WAIT]   prints {"index": ..., "ids": [...]} for ?passing
#   consul_client.py PORT all NAME                    prints {"index": ..., "ids": [...], "status": {id: worst}}
#   consul_client.py PORT services                    prints {"index": ..., "services": {...}}
import json
import sys

import consul

c = consul.Consul(host="127.0.0.1", port=int(sys.argv[1]))
what = sys.argv[2]
if what == "services":
    index, services = c.catalog.services()
    print(json.dumps({"index": int(index), "services": services}))
elif what in ("passing", "all"):
    kw = {}
    if len(sys.argv) > 4:
        kw = {"index": sys.argv[4], "wait": sys.argv[5]}
    index, nodes = c.health.service(sys.argv[3], passing=(what == "passing"), **kw)
    order = ["passing", "warning", "critical"]
    status = {n["Service"]["ID"]: max((k["Status"] for k in n["Checks"]), key=order.index, default="passing")
              for n in nodes}
    print(json.dumps({"index": int(index), "ids": sorted(status), "status": status}))
else:
    sys.exit("unknown request " + what)
