#!/usr/bin/env python3
"""Benchmark aid (not a test): a TCP proxy on loopback that holds every chunk it forwards, each way, for DELAY
seconds, so that a local registry answers like one a network round trip away.

Usage: delay-proxy.py LISTEN_PORT TARGET_PORT DELAY_SECONDS   (e.g. 47012 47011 0.01: about 20 ms per round trip)
Then point the build at 127.0.0.1:LISTEN_PORT (listed in image.insecureRegistries). Loopback only."""
import asyncio
import sys

LISTEN, TARGET, DELAY = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(262144)
            if not data:
                break
            await asyncio.sleep(DELAY)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def handle(client_reader, client_writer):
    upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", TARGET)
    await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", LISTEN)
    async with server:
        await server.serve_forever()


asyncio.run(main())
