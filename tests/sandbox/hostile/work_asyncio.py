# Real workload: an asyncio TCP echo server and client on the run's own
# loopback (this must keep working: the network is off, not loopback).
import asyncio
async def handle(r, w):
    w.write(await r.readline())
    await w.drain()
    w.close()
async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    r, w = await asyncio.open_connection("localhost", port)
    w.write(b"echo over loopback\n")
    print((await r.readline()).decode().strip())
    srv.close()
asyncio.run(main())
