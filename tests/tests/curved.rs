//! Labels on curved surfaces, and in colour: rendered frames (with blur, noise, uneven light
//! and JPEG) read right. A sticker on a cylinder (radius 1.5x its width, turned 12°) and a
//! dense symbol on curled paper do not fit one perspective for the whole symbol; they read
//! when the symbol is sampled region by region between its alignment patterns and its
//! size is counted on the timing pattern that stays straight.

use iotmark_core::scan::{scan, scan_camera, Frame, Want};
use iotmark_tests::scenes::render_scene;

/// Asserts that each of `frames` of the scenes of `kind` reads as the text it holds, and only that.
fn reads_right(kind: &str, frames: impl IntoIterator<Item = usize>) {
    for i in frames {
        let scene = render_scene(kind, i);
        let frame = Frame::new(scene.width, scene.height, &scene.luma).expect("a frame");
        let texts: Vec<String> = scan(&frame, Want::First).into_iter().map(|c| c.text).collect();
        assert_eq!(texts, vec![scene.text.clone()], "{kind} frame {i}");
    }
}

#[test]
fn labels_on_a_cylinder_read_right() {
    reads_right("cylinder", [0, 4, 9, 13]);
    // The camera path reads them on its fast path, in the first frame.
    for i in [0, 4, 9, 13] {
        let scene = render_scene("cylinder", i);
        let frame = Frame::new(scene.width, scene.height, &scene.luma).expect("a frame");
        let camera: Vec<String> = scan_camera(&frame, 0).into_iter().map(|c| c.text).collect();
        assert_eq!(camera.first(), Some(&scene.text), "cylinder frame {i} from the camera");
    }
}

#[test]
fn round_dot_codes_read_right() {
    // Round-dot modules, rounded finder patterns, the sticker tilted: frames whose alignment
    // pattern near the fourth corner is not found where the finders put it, so that only
    // the mesh, refitted to the patterns found, reads them.
    reads_right("dots", [0, 3, 16]);
}

#[test]
fn a_false_fourth_corner_is_searched_again() {
    // A small, blurred label beside a marketing code, where the alignment pattern the
    // single perspective went through is a false match: the mesh searches for it again.
    let scene = render_scene("two-codes", 4);
    let frame = Frame::new(scene.width, scene.height, &scene.luma).expect("a frame");
    let texts: Vec<String> = scan(&frame, Want::All).into_iter().map(|c| c.text).collect();
    assert_eq!(texts.first(), Some(&scene.text), "the label, first");
}

#[test]
fn dense_codes_on_curled_paper_read_right() {
    // A symbol of version 20 or so at about 2.5 pixels a module, on paper curled round a
    // cylinder about as wide as the sticker: frames that the first, fast attempts miss.
    reads_right("curled", [1, 3, 12]);
}

#[test]
fn codes_in_brand_colours_read_right() {
    // Each ink and paper of the colour scenes once, orange on white (the least contrast in
    // grey) among them.
    reads_right("colour", 0..5);
}
