"""Violation benchmark: precision and recall per rule on generated junction clips.

    python bench/violations.py [--variants 4] [--out docs/BENCHMARKS.md]

Clips are generated now from the shared datasets (cars from india_plates_dev, riders from
helmet_riders) by ``echallan.scenarios``; each carries a ground truth of which vehicle commits
which offence. Events are matched to the vehicle nearest their box at the event's time.
Writes its table into docs/BENCHMARKS.md between the ``violations`` markers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section

from echallan.anpr import AUTO_ACCEPT_THRESHOLD, PlateReader
from echallan.camera import load_camera
from echallan.clipgen import Mover
from echallan.detection import YoloDetector
from echallan.detection.helmet import default_helmet_detector
from echallan.pipeline import Models, VideoResult, process_video
from echallan.rules.engine import HEAD_RULES
from echallan.scenarios import HEAD_KINDS, KINDS, build, load_sprites, scenario
from echallan.settings import Settings
from echallan.types import PlateRead

NOTES = """Triple riding on more clips (2026-11-22, this code): 16 clips give 13 true positives, 0
false positives, 3 false negatives (F1 0.897); 24 clips give 18 / 0 / 6 (F1 0.857). The 8-clip F1
above does not hold on larger samples, so the F1 >= 0.9 target is not met. The clips reuse 4
triple-rider photos (variant mod 4). Photo 3 (three boys in a row, side view) is missed in 5 of its
6 clips: the person detector separates two of them in most frames (three in 8-27 %, under the 25 %
the rule needs; a single rider with a pedestrian beside the bike reaches 18 %), and the helmet model
finds only the front rider's head (the others face away). That is a limit of the COCO detector and
of the helmet model, not of the rule. Photo 0 (two scooters close together), missed by the earlier
code in most clips, is caught in all 6 now that close-up looks run on the 416 px twin (at 640 px:
12 / 0 / 4 on 16 clips; at 320 px: 11 / 1 / 5). The rule also counts the helmet model's heads over
the bike on the frames it already looks at (3+ heads scored >= 0.3 in both looked-at frames): on
the 448 labelled helmet_riders photos with a motorcycle, 3+ heads over the largest bike are seen
on 9 of 13 photos with 3+ riders and on 3 of 435 others (a bike box spanning two scooters, a
convoy's riders behind, a real triple whose labels fall outside the bike); no clip result changed
with it.

Looked at again (2026-11-22, later session), each on photo 3's clips and checked against real data;
none is kept. Counting 3+ persons needs the detector to keep three overlapping rider boxes apart:
with NMS IoU 0.8 instead of 0.7, photo 3's clips show 3 riders in 35-40 % of frames instead of
10-25 %, but on the 438 helmet_riders photos with a motorcycle "3+ persons ride the largest bike"
turns false on 63 photos instead of 42 (duplicate boxes of one rider), so it would trade real-data
false alarms for generated-clip recall. A close-up look at the riders' crop (416 px twin) still
separates two of the three boys in most frames. The helmet model on the riders' crop at 416, 640
or 960 px finds the second and third heads at scores 0.1-0.47 (the two rear boys face away), under
the 0.3 the head count uses. Widening the generator's rider photos (heads of children, down to 0.4
of the largest head, admitting two more real triple-rider photos) gave 19 / 1 / 5 on 24 clips
(F1 0.864): photo 3 still fails, and the photo with two scooters side by side then also gave a
second event. A head detector of our own was tried too: YOLO11n from the COCO
weights, one class (head), 12 epochs at 512 px on the CPU on the helmet_riders photos minus the
generator's 10 sprite photos (and a near-copy of one). On the photos it was not trained on it
found 3+ heads over the bike on 3 photos with 3+ riders, missed 5 and fired on 16 others, and on
photo 3's clips it found one head in most frames; so it was not kept. Photo 3 needs a better
rider or head model than the COCO detector and the packaged helmet model.

With a GPU lent (2026-11-23, one H100, `scripts/train_helmet.py`; `scripts/yolo_train.py` trains there),
YOLO11n helmet models (with / without helmet) were trained from the COCO start for about 250 epochs at
416, 512 and 640 px on the tuning half of helmet_riders minus the generator's rider photos and their
near-copies (366 photos). On the held-out half they reach a macro F1 of 0.70, 0.72 and 0.73 (packaged
model: 0.889, though probably trained on these photos), and on photo 3 they find one or two of the
three heads, never more than one scored 0.3 or more. Scoring a head by both classes' scores together
(any helmet state) instead of the larger one changes nothing on real photos or photo 3 (its heads: 0.80,
0.41, 0.25). The data is too small for a model of our own to beat the packaged one; none was kept.

Found 2026-11-23: the head count's 0.3 (`riders.HEAD_MIN_CONFIDENCE`) had not run as documented, since the
pipeline's helmet model dropped heads below 0.35 (the threshold chosen for helmet F1). It now keeps heads
from 0.3 (`detection.helmet.video_helmet_detector`; the no-helmet rule still trusts heads from 0.5 only).
On 24 triple-riding clips the result is the same either way (18 / 0 / 6): in photo 3's clips the helmet
model scores the third boy's head 0.15, the second 0.33 and 0.18 (two boxes), the front one 0.77.

Looked at again (2026-11-23, session 7), on photo 3's rider sprite at the clips' scales (0.8 and 1.1): the
detector's close-up look finds 2 persons at every canvas from 320 to 832 px (3 once, at 512), so a larger
close-up does not separate the boys; the helmet model with the crop mirrored (test-time flip) scores the
second and third heads lower (0.11-0.20) than unmirrored (0.25-0.45), so a flipped second look does not
help either. In one of its clips (variant 3) the whole-frame detector keeps the three boys apart in 16 of
61 frames (26 %). Nothing was changed.

Checked on real photos (2026-11-23, session 9; `bench/riders.py`, docs/BENCHMARKS.md `riders`): every
helmet_riders photo with a motorcycle was looked at by hand for 3+ persons on the largest bike (33 of
440). By the dataset's head labels, 3+ heads sit over the largest bike on 12 photos, 5 of them real
triples, the rest several bikes under one box: the earlier real-photo counts in these notes, scored
against the labels, called real triples false and false ones real. Per photo, "3+ persons ride the
bike" is right on 30 of the 33 triples and fires on 22 other photos; the head path found none of the
triples the persons missed and fired on 5 more other photos. Without the head path the 24 clips give
the same 18 / 0 / 6, so triple riding now counts persons only, the helmet model runs for the no-helmet
rule alone, and `video_helmet_detector` (heads from 0.3 for the head count) is gone. Photo 3's three
boys are counted as three on each of its 3 near-copies in helmet_riders; in the clips its sprite is
cut down to 220 px, where the detector keeps at most two of them apart in most frames.

The triple riders come from that hand check now (2026-11-23, session 9; `scenarios._triple_sprites`): all
33 photos, one copy of each (23 distinct), instead of the 4 whose labelled heads (3+) all sat over the
bike, and a clip uses its own photo (`load_sprites(riders=variants)`); single riders exclude the
hand-checked triples, and more of them are used (24 instead of 6; several carry a pillion or stand beside
people, as on a street). On 24 clips the old pool gave 18 / 0 / 6 (F1 0.857; before the time fix below,
which moves no event's firing), the new one gives 12 / 1 / 12 (F1 0.649). That is the rule's real
standing on generated clips: the person detector, at the size a rider has in a 1280x720 junction view
(about 100 px tall after the detector's 640 px input), keeps three riders apart in too few frames; in 4
of the 12 misses it does not find the motorcycle at all. The false positive is a single rider's photo
with a pillion and a person behind them, counted three in 27 % of its frames. Found on the way and fixed
in the pipeline: an event moved to another kept frame kept the first frame's time, so two true events
were matched to the wrong place (their notices would have shown a photo taken seconds from their time).

Tried after that (session 9), not kept: a close look (the 416 px twin) at the rider crop of a
two-wheeler's 3 largest kept frames, firing when 2 of them count 3+ riders. On the 440 photos shrunk to
clip scale (the largest bike 240 px wide in a 1280x720 canvas), per photo, the whole-frame count is right
on 22 of 33 triples and fires on 30 other photos, the close look 31 and 27 (bike 180 px wide: 17 / 31 and
21 / 39); on the 24 clips it adds 2 triples and 3 false ones (single riders with a pillion or people
behind them, counted 3-4 at close range). A false notice costs more than a missed one here.

All six rules on 24 clips each (2026-11-23, session 9, this code): red light, stop line, wrong way and no
parking 24 of 24 with no false positive; over speed 22 / 0 / 2 (speed error median -0.03 %, worst -0.75
%): in both misses (variants 14 and 22, the same car photo) the detector skipped the one sighting past
line 2 before the car left the view 50 px (2.5 m) beyond it, so the second crossing was never timed
(docs/CAMERA.md now says to draw the lines where vehicles stay in view a few frames past them); triple
riding 12 / 1 / 12.

Found 2026-11-23 (session 10): the triple riders' near-copy filter compared the sprites' cuts, not the
photos, so two copies of one photo (BikesHelmets296 and 328, cut differently where the detector's boxes
differ) both joined the pool: the 33 hand-checked photos hold 22 distinct ones, not 23. The filter now
compares the photos (`scenarios.NEAR_COPY`; copies 0.0-1.9 apart, other photos 42.6 and up), and a test
checks the pool. On 24 clips (a photo a clip, the first two again): 13 / 1 / 11 (F1 0.684), was 12 / 1 / 12
(0.649); the 8 clips above use the same photos as before.

A car photo a clip (2026-11-23, session 11): the offender of clip v is car 2v and the lawful vehicle car
2v + 1 (16 car photos for 8 clips, 48 for 24; it had been 8 photos, so only 4 offenders). The wider pool
found car sprites that were no car at clip size: a plate close-up (GJ05JD9759), a bonnet (MH20EE7598) and a
bumper (TN99F2378), each missed in every clip it drove; and a sprite whose box took in 60 px of ground
under the bumper (KL07BF2007), so a car that stopped 50 px behind the stop line was seen on it. Fixed: each
car sprite is cut to the vehicle the detector finds in it shown alone at clip size, and dropped where it
finds none (`scenarios.CHECK_WIDTHS`). 24 clips a scenario, 48 cars, this code: red light, stop line and
wrong way 24 / 0 / 0 each; no parking 22 / 0 / 2 (91.7 % recall); over speed 21 / 0 / 3 (speed error
median +0.05 %, worst -0.62 %); the 8-clip table above is this code too.

Tracking, found in session 11 and kept in session 12 (2026-12-07; `echallan/detection/tracking.py`): the
misses above were tracking. ByteTrack (`trackers`) started a track only from a detection at its
high-confidence split (0.6 by default), and the INT8 detector sees many cars at 0.45-0.6 (a speeder was first
tracked past the first speed line); the frame that starts a track got no id and was lost; and the tracker
counts its lost-track buffer in frames of a 30 fps video, so `lost_after_s` 2.0 kept a lost track 0.7 s at
10 fps. Now the split is 0.45, the first sighting is added back, the buffer is in seconds, and boxes of two
classes at IoU 0.8 or more are one vehicle (else a car and a bus box on one car made two tracks and a second
red-light event). A 2 s buffer alone let ByteTrack's motion model hand lost ids to other vehicles on the
stock 1080p clip (a motorcycle's track, lost 0.6 s, taken over by another 300 px away, which then "crossed"
on red; an auto-rickshaw's by a motorcycle), so a track lost over 0.3 s is continued only where it was lost
(a parked car hidden by traffic); elsewhere the sighting starts a new track. 24 clips a scenario, this code:
red light, stop line, wrong way and no parking 24 / 0 / 0 each (no parking was 22 / 0 / 2), over speed
23 / 0 / 1 (was 21 / 0 / 3; speed error median +0.05 %, worst -0.62 %), triple riding 14 / 1 / 10 (F1 0.718,
was 13 / 1 / 11). The cost, paired runs in one process on the throughput clip (6 pairs, 2026-12-07): 16
events instead of 10 and a ratio of 1.28 (1.57 -> 1.99 s median, 4.0x -> 3.2x real time on this day's host),
as more vehicles are tracked and each event writes its evidence and reads its plate; the 2x target holds
(the `throughput` section).

Plates in video: the plate line above scores the plate `process` stores for each true event (voted across
the track's 3 largest sightings) against the car photo's hand-read label. Session 11, 24 clips a scenario
(119 events, 24 plates): 79.0 % exact, 63.0 % auto-accepted at 98.7 % exact, one wrong auto-accept:
TN74AH1413 read TN76AH1613 at 0.97 (a plate about 60-70 px wide, characters 8 px tall; two of the three best
crops agreed, so reading stopped, and the third read TN76AH1413). Fixed in session 12: `read_plate` reads
every best crop before voting, so one crop that reads otherwise lowers the vote's confidence (TN76AH1613 at
0.64: a reviewer sees it). Measured on the red-light and wrong-way clips (24 each, 48 events, paired, the
same tracking): exact 39 / 48 either way; auto-accepted 33 (1 wrong) before, 29 (0 wrong) after: three
right reads (MH14TCE4, KL43B2344, WB74X7605) now go to a reviewer too. A plate-size gate was looked at and
not used: the wrong read's box (70 x 25 px) is no smaller than right reads auto-accepted at 55-64 px wide.
Among the other misses, MH20CS1941 is read MH20CS19 (its last two digits sit after a bolt) at 0.60 and goes
to a reviewer.

Tracks jumping between vehicles (2026-12-07, session 13; `echallan/detection/tracking.py`). On the stock 1080p
clip one track ran over four vehicles: a far auto-rickshaw, lost for 0.6 s and found again on a green
auto-rickshaw near the camera whose box grazed its last one (IoU 0.09, 11 times its area); then, in the next
analysed frame, a scooter below it (IoU 0.06 with the last box); then, after 1.3 s, a far motorcycle. It gave
a wrong-way, an over-speed (a speed from the jump) and a red-light event. The `trackers` ByteTrack matches a
detection to a track's predicted box from IoU 0.1, in both stages (the ByteTrack paper asks 0.2 in its first
stage and 0.5 in its second); now 0.2, then 0.3 (`MATCH_IOU`, below). A track lost over 0.3 s continued on any
overlap with its last box; it now also needs a like size (`REFOUND_AREA_RATIO` 2.5). An IoU of 0.5 with the
last box was tried first: the stock clip gave the same events, but triple-riding clips went 14 / 1 / 10 -> 13
/ 4 / 11, as a loaded motorcycle the detector finds only every few frames moves on meanwhile, and its split
tracks each fired; at a ratio of 2.0 one split remained (14 / 2 / 10); 2.5 and 3.0 gave 14 / 1 / 10. 24 clips
a scenario, this code: every rule as before (red light, stop line, wrong way and no parking 24 / 0 / 0, over
speed 23 / 0 / 1, speed error median +0.05 %, worst -0.62 %, triple riding 14 / 1 / 10). The stock clip: 13
events instead of 14; the four-vehicle track's three are gone, and the scooter's own track (smooth, 19
sightings) gives two. At 0.2 a red auto-rickshaw's track still passed to a white car driving in beside it (a
wrong-way event): the car's sure box met the auto's predicted box at IoU 0.2 in ByteTrack's first stage,
before the auto's own box (scored 0.4, IoU 0.8) was looked at in the second. At 0.3 (SORT's default) the auto
keeps its track and the car starts its own; 24 clips a scenario: every rule as before; the stock clip: 11
events, and of the steps where a track's box moves to IoU under 0.2 with its last one or changes its area over
2x (3 left), each is one vehicle by eye (a motorcycle leaving the frame, a car behind a passing bus, a
cycle-rickshaw boxed whole, then its rider). Compared in the same session and not used: the package's BoT-SORT
(`BoTSORTTracker`, the same start threshold and buffer, camera motion compensation off as a junction camera
stands still), whose association follows the ByteTrack paper (IoU times score from 0.2 in the first stage, 0.5
in the second and on tracked tracks only, a new track dropped at its first miss). On the stock clip its tracks
never jumped (9 events), but on 24 clips a scenario no parking fell to 23 / 0 / 1 and triple riding to 12 / 1
/ 12: a loaded motorcycle that the detector finds only every few frames never becomes a track.

One vehicle boxed twice (2026-12-07, session 13): on the stock clip the detector boxed a motorcycle twice
in several frames, once with its rider and once without (IoU 0.64, under the 0.8 that merges boxes), and the
two tracks fired two wrong-way events for the one motorcycle. Of two boxes where the smaller lies 90 % inside
the larger, is 80 % as wide and stands on the same ground line (bottoms within 10 % of the larger's height),
the less sure is now dropped before tracking (`tracking.boxed_twice`). The clip's 53 analysed frames hold
17 such pairs: 16 are one vehicle by eye (scooters with and without riders, auto-rickshaws boxed whole and
in part or as two classes); the 17th, a far "car" box over two scooters and a second box on one of them,
is unclear. The stock clip then gave 11 events at a `MATCH_IOU` of 0.2 (the duplicate gone, and a far
motorcycle's wrong-way event, which came from a track that jumped between its two boxes); 24 clips a
scenario: every rule as before.

Checked on the other traffic clips (2026-12-07, session 13; detector boxes fed to session 12's tracking and
this one, no rules): steps where a track's box moves to IoU under 0.2 with its last one or changes its area
over 2x fell from 23 to 19 (opencv4nodejs_traffic, stride 3), 9 to 5 (echallan_traffic1) and 6 to 3
(echallan_video6, stride 3), most of those left at the frame's edge (vehicles entering or leaving). Of the
steps gone, looked at by eye: five were one vehicle's track taken by another (a red auto-rickshaw by a white
car, a far car by an auto-rickshaw, an auto-rickshaw by a scooter, a taxi by a dark car, a sign's box by a
car), one a car's track moving onto a box over two cars, and one a car found again 0.4 s later 130 px on,
which now starts a second track (a split, not a wrong vehicle).

Triple riding on 72 clips (2026-12-07, session 14; `--variants 72 --kinds triple_riding`, this code): 40 / 6
/ 32 (precision 87.0 %, recall 55.6 %, F1 0.678); clips 0-23 alone give the 14 / 1 / 10 above. Clips 24-71
draw 48 more single riders (a photo a clip), and several were counted three in a quarter or more of their
frames (up to 56 %): a rider, or a rider and pillion, with bystanders standing behind or beside the bike
(their boxes stand over its ends), or a pillion boxed twice (a second box inside the first). The 24-clip
precision (93.3 %) overstated the rule. Since this session a person checks every triple-riding event,
and every no-helmet event, however sure the plate (`echallan/records/policy.py`; docs/LEDGER.md); a
wrong triple-riding event costs a reviewer a look, not an innocent owner a fine. Looked at and not kept,
on the rider boxes of the 72 clips' two-wheeler tracks (scored per clip): a rider's box centre at least 5,
10 or 15 % of the bike's width in from its ends (false 5 -> 4 -> 3 -> 1 clips, true 40 -> 39 -> 36 -> 34),
and leaving out a person box that lies 90 % inside a larger one (false 5 -> 2, true 40 -> 34). The share
of frames with 3+ riders overlaps between true triples (0.00 to 1.00; 0.00 on 12 tracks of clips 24-71,
where the detector never separates them) and single riders (up to 0.56), so no share threshold separates
them.

No helmet on generated clips (2026-12-07, session 14; new scenario `no_helmet`, `scenarios.HEAD_KINDS`): a
bare-headed rider (the offender) rides up beside a helmeted one, each cut from a helmet_riders photo whose
one labelled head is that rider's (`scenarios._helmet_rider`: one person rides the bike, the head in the top
of their box, no copy of a photo taken, no label a person found wrong; and a motorcycle the detector finds
at clip size). A hand check of the first 24 of each found a passer-by's head over a parked police scooter, a
girl standing by parked bikes, a pillion whose head carries no label, a rider wearing a helmet labelled
without (BikesHelmets182), and one photo stored twice with opposite labels (216, 230): the checks above now
leave them out (`data/riders_truth.json`, `helmet_label_wrong`). The pool holds 28 bare-headed riders. On 24
clips the rule as it was caught 10 of 24 with 2 false events (F1 0.556; before the sprite checks). Three
causes, each fixed in the pipeline: (1) the helmet model looked at the rider crop grown from the bike's box,
0.9 of its height upwards, and where the box was cut by the frame's bottom edge the head fell outside the
crop: the crop now also takes in the boxes of the persons riding the bike (`pipeline.rider_box`); (2) the
best sightings were the largest, which are the ones cut by the frame's edge: sightings wholly in view now
come first (`pipeline.sighting_rank`, which also picks the crops plates are read from); (3) the rule needs
two frames with a bare head and looked at two, so one frame that missed the head decided: it now looks at
three (`HELMET_FRAMES`), and stops as soon as the frames left cannot change the decision
(`rules.helmet.could_change`; a helmeted rider costs two looks instead of one). A motorcycle boxed whole and
again without its front (0.70 as wide, 98 % inside) made two tracks and two events: two boxes of one class
now need only be 0.6 as wide (`tracking.TWICE_WIDTH_SAME_CLASS`). Heads count from 0.40 instead of 0.50
(`rules.helmet.MIN_CONFIDENCE`; the tuning half of helmet_riders finds bare heads best at 0.35-0.40). On 48
clips (clips 24-47 reuse bare-headed riders 0-19 with new helmeted ones): 42 / 3 / 6 (F1 0.903) at 0.40, 39
/ 3 / 9 at 0.50; on clips 24-47 alone 22 against 20 caught. On the 24 clips a scenario, this code: every
other rule as before (red light, stop line, wrong way and no parking 24 / 0 / 0, over speed 23 / 0 / 1),
triple riding 14 / 2 / 10 (the second false event is a bare-headed rider's photo in a no-helmet clip,
counted three), no helmet 20 / 1 / 4 (F1 0.889); plates 78.2 % exact (79.0 before), auto-accepted 61.3 %
(59.7 before), none wrong. A person checks every no-helmet event before a notice (docs/LEDGER.md). The
packaged helmet model was probably trained on helmet_riders, so these scores are likely optimistic. Then the
helmet model looks only at sightings in which a person rides the motorcycle: the same 20 / 1 / 4 on the 24
clips, and less work on the stock street clip (the `throughput` notes)."""


@dataclass
class Score:
    """Per offence true positives, false positives and false negatives; speed errors in %; and the
    (true plate, voted read) of each true event whose vehicle carries a plate label."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    speed_err: list[float] = field(default_factory=list)
    plates: list[tuple[str, PlateRead | None]] = field(default_factory=list)


def match(result: VideoResult, movers: list[Mover], score: Score) -> None:
    """Match ``result``'s events to the movers nearest their boxes; add the outcome to ``score``."""
    found: set[tuple[str, str]] = set()
    for e in result.events:
        v = e.violation
        offence = v.offence.value
        if v.box is None:
            score.fp[offence] += 1
            continue
        bx, by = v.box.bottom_center
        near = [(abs(at[0] - bx) + abs(at[1] - by), m) for m in movers if (at := m.at(v.time_s)) is not None]
        mover = min(near, key=lambda d: d[0])[1] if near and min(d for d, _ in near) < 250 else None
        if mover is not None and offence in mover.expected and (mover.name, offence) not in found:
            score.tp[offence] += 1
            found.add((mover.name, offence))
            if mover.plate:
                score.plates.append((mover.plate, e.plate))
            if offence == "over_speed":
                truth = mover.facts["speed_kmh"]
                score.speed_err.append(100 * (v.inputs["speed_kmh"] - truth) / truth)
        else:
            score.fp[offence] += 1
    for m in movers:
        for offence in m.expected:
            if (m.name, offence) not in found:
                score.fn[offence] += 1


def plate_line(plates: list[tuple[str, PlateRead | None]]) -> str:
    """The plates of true events, as ``process`` read them (voted across the track's best frames)."""
    if not plates:
        return "No true event's vehicle carried a plate label."
    n = len(plates)
    exact = sum(1 for truth, read in plates if read is not None and read.text == truth)
    none = sum(1 for _, read in plates if read is None or not read.text)
    accepted = [(t, r) for t, r in plates if r is not None and r.auto_accept(AUTO_ACCEPT_THRESHOLD)]
    right = sum(1 for t, r in accepted if r.text == t)
    precision = f"{100 * right / len(accepted):.1f} % exact" if accepted else "none"
    wrong = sorted({f"{t} -> {r.text} ({r.confidence:.2f})" for t, r in accepted if r.text != t})
    return (
        f"Plates of the cars behind true events ({n}, {len({t for t, _ in plates})} distinct plates from "
        "india_plates_dev photos; riders' photos carry no plate label), voted across "
        f"each track's best frames as `process` reads them: {100 * exact / n:.1f} % exact, {none} not read; "
        f"auto-accepted {100 * len(accepted) / n:.1f} % ({precision}). Wrong auto-accepts (truth -> read): "
        f"{', '.join(wrong) or 'none'}."
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=8, help="clips per scenario")
    ap.add_argument("--out", type=Path, default=Path("docs/BENCHMARKS.md"))
    every = KINDS + HEAD_KINDS
    ap.add_argument("--kinds", nargs="+", default=list(every), choices=every, help="scenarios to run")
    args = ap.parse_args()
    s = Settings.from_env()
    detector = YoloDetector(s.model_dir)
    reader = PlateReader(search_whole=False)  # as `echallan process` reads plates in video
    with_heads = Models(detector, reader, default_helmet_detector())  # as `process` runs head rules
    without = Models(detector, reader)
    # a photo a clip: the offender of variant v is car 2v, the lawful vehicle car 2v + 1
    helmets = max(6, args.variants) if set(args.kinds) & set(HEAD_KINDS) else 0
    sprites = load_sprites(
        s.datasets_dir,
        detector,
        cars=2 * max(4, args.variants),
        riders=max(6, args.variants),
        helmets=helmets,
    )
    n = (
        len(sprites.cars),
        len(sprites.triples),
        len(sprites.singles),
        len(sprites.bare),
        len(sprites.helmeted),
    )
    print("sprites: {} cars, {} triple riders, {} single riders, {} bare-headed, {} helmeted".format(*n))
    score = Score()
    fps: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds:
            for variant in range(args.variants):
                video, camera, truth = build(kind, variant, sprites, Path(tmp))
                _, movers = scenario(kind, variant, sprites)
                t0 = time.perf_counter()
                cam = load_camera(camera)
                models = with_heads if cam.violations & HEAD_RULES else without
                result = process_video(cam, video, models, Path(tmp) / "evidence")
                fps.append(result.frames_analysed / (time.perf_counter() - t0))
                match(result, movers, score)
                got = [ev.violation.offence.value for ev in result.events]
                want = [o for v in json.loads(truth.read_text())["vehicles"] for o in v["offences"]]
                print(f"{kind}#{variant}: events {got}, truth {want}")
    rows = [
        "| rule | clips | true pos. | false pos. | false neg. | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in args.kinds:
        tp, fp, fn = score.tp[kind], score.fp[kind], score.fn[kind]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        counts = f"| {kind} | {args.variants} | {tp} | {fp} | {fn} "
        rows.append(counts + f"| {100 * p:.1f} % | {100 * r:.1f} % | {f1:.3f} |")
    errors = score.speed_err
    speed = (
        f"Speed error on over-speed events: median {statistics.median(errors):+.2f} %, "
        f"worst {max(errors, key=abs):+.2f} % (n = {len(errors)})."
        if errors
        else "No over-speed event was matched."
    )
    text = "\n".join(
        [
            f"Generated clips: {len(args.kinds)} scenarios x {args.variants} variants, "
            "1280x720 at 10 fps, "
            "real car and rider photos from the shared datasets moved on known key frames "
            "(`python bench/violations.py`). Every scenario also holds lawful vehicles "
            "(green crossers, stoppers behind the line, right-way drivers, speeds under the limit, "
            "brief stops, single riders); any event on them counts as a false positive.",
            "",
            *rows,
            "",
            speed,
            plate_line(score.plates),
            f"Analysis speed on these clips: median {statistics.median(fps):.1f} frames/s.",
            "",
            NOTES,
        ]
    )
    print(text)
    write_section(args.out, "violations", text)


if __name__ == "__main__":
    main()
