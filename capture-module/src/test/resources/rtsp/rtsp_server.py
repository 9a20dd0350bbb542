#!/usr/bin/python3
"""Real RTSP server for the capture tests: GStreamer's gst-rtsp-server on 127.0.0.1.

Serves an H.264 elementary stream (Annex B) in an endless loop, or a live audio-only stream.

The H.264 access units are read once at start-up and pushed through appsrc by a timer, timestamped
by appsrc on push (do-timestamp), so timestamps keep increasing across loops of the file.
(multifilesrc loop=true restarts timestamps at 0 on every loop, which breaks the RTP stream.)

Prints "READY <port>" on stdout once listening. Commands, one per line on stdin:
  kick    close every client connection (the server keeps running)
  pause   stop sending video (connections and RTCP stay up)
  resume  send video again
  quit    exit
"""
import argparse
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def read_access_units(path):
    """Splits an Annex B H.264 file into access units with GStreamer's own parser."""
    pipeline = Gst.parse_launch(
        "filesrc name=file ! h264parse ! "
        "video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=sink sync=false")
    pipeline.get_by_name("file").set_property("location", path)
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    units = []
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        buf = sample.get_buffer()
        units.append(buf.extract_dup(0, buf.get_size()))
    pipeline.set_state(Gst.State.NULL)
    if not units:
        raise SystemExit("no H.264 access units in " + path)
    return units


class Feeder:
    """Pushes access units into one client's appsrc at the configured frame rate."""

    def __init__(self, server_state, appsrc, fps):
        self.state = server_state
        self.appsrc = appsrc
        self.index = 0
        self.source_id = GLib.timeout_add(max(1, int(round(1000.0 / fps))), self.tick)

    def tick(self):
        if self.state.paused:
            return True
        data = self.state.units[self.index % len(self.state.units)]
        self.index += 1
        ret = self.appsrc.emit("push-buffer", Gst.Buffer.new_wrapped(data))
        if ret != Gst.FlowReturn.OK:
            self.source_id = None
            return False
        return True

    def stop(self, *_):
        if self.source_id is not None:
            GLib.source_remove(self.source_id)
            self.source_id = None


class State:
    def __init__(self, units):
        self.units = units
        self.paused = False


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=0, help="0 = any free port")
    ap.add_argument("--path", default="/stream")
    ap.add_argument("--h264", help="Annex B H.264 file to loop")
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--audio-only", action="store_true", help="serve a stream without video")
    ap.add_argument("--user")
    ap.add_argument("--password")
    args = ap.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_shared(False)
    factory.set_eos_shutdown(False)
    state = None
    if args.audio_only:
        factory.set_launch("( audiotestsrc is-live=true ! audioconvert ! audioresample ! "
                           "audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay0 pt=8 )")
    else:
        if not args.h264:
            raise SystemExit("--h264 FILE is required unless --audio-only")
        state = State(read_access_units(args.h264))
        factory.set_launch(
            "( appsrc name=src is-live=true format=time do-timestamp=true "
            "caps=video/x-h264,stream-format=byte-stream,alignment=au "
            "! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=-1 )")

        def on_configure(_factory, media):
            appsrc = media.get_element().get_by_name_recurse_up("src")
            feeder = Feeder(state, appsrc, args.fps)
            media.connect("unprepared", feeder.stop)

        factory.connect("media-configure", on_configure)

    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
        factory.add_role_from_structure(Gst.Structure.new_from_string(
            "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"))

    server.get_mount_points().add_factory(args.path, factory)
    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        raise SystemExit("cannot listen on 127.0.0.1:%d" % args.port)

    def kick():
        server.client_filter(lambda *_: GstRtspServer.RTSPFilterResult.REMOVE, None)
        return False

    def set_paused(value):
        state.paused = value
        return False

    def read_commands():
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "kick":
                GLib.idle_add(kick)
            elif cmd in ("pause", "resume") and state is not None:
                GLib.idle_add(set_paused, cmd == "pause")
            elif cmd == "quit":
                GLib.idle_add(loop.quit)
            if cmd:
                print("OK " + cmd, flush=True)
        GLib.idle_add(loop.quit)  # stdin closed: the test that started us is gone

    threading.Thread(target=read_commands, daemon=True).start()
    print("READY %d" % server.get_bound_port(), flush=True)
    loop.run()


if __name__ == "__main__":
    main()
