/** `gradcam --help`. */
export const MAIN_USAGE = `gradcam — Grad-CAM explanations of image classifiers (TensorFlow.js)

usage:
  gradcam explain <images...> [options]   overlays, grids, an HTML report or JSON maps per image and class
  gradcam evaluate <dir> [options]        pointing game, energy, IoU, deletion/insertion per method on annotated boxes
  gradcam layers [--model M] [--all]      the model's target layers with their output shapes
  gradcam methods                         the CAM methods, one line each
  gradcam <command> --help                options of a command

exit status: 0 ok · 1 failed (model not loadable, or some images failed) · 2 bad command line`;

/** `gradcam explain --help`. */
export const EXPLAIN_USAGE = `usage: gradcam explain <images...> [options]

Explains why the model predicts a class on each image: one heatmap overlay per image and class,
at the image's own resolution, plus an HTML report.

model:
  -m, --model NAME|PATH|URL  built-in mobilenet (default; also mobilenet-v2, mobilenet-v1-0.25, …), or the
                             model.json of a tfjs layers or graph model (file or http(s) URL)
      --model-url PATH|URL   local copy of a built-in's model.json (offline: --model mobilenet --model-url …)
      --labels FILE|imagenet class names for --model PATH: JSON array, {"index": name} or {"labels": […]}
                             (default: metadata.json beside model.json)
      --range LO,HI          input value range for --model PATH (default: metadata.json inputRange, [-1,1] for
                             Keras MobileNet/Xception/Inception, else 0,1)
      --input-size HxW       model input size when model.json does not fix it
what to explain:
  -c, --class INDEX|NAME     a class: output index or label name (case-insensitive); repeat for several
  -k, --top K                the K most probable classes (default 1); not with --class
  -l, --layer NAME           target layer (default: the classifier's; see gradcam layers); repeat to average
      --method ID            gradcam (default), gradcam++, xgradcam, hirescam, layercam, … (gradcam methods)
      --counterfactual       show what lowers the score instead (negated gradients)
pictures:
      --colormap NAME        jet (default), turbo, viridis, inferno
      --alpha A              heatmap opacity from 0 to 1 (default 0.5)
  -o, --out DIR              output folder (default gradcam-out)
  -f, --format LIST          comma-separated, any of: png, jpg (one overlay per image and class),
                             grid (photo and overlays side by side, labelled), html (report.html),
                             json (maps, raw maps, scores per image) — default png,html
run:
  -j, --concurrency N        images processed at once (default 2)
  -h, --help                 this help

examples:
  gradcam explain cat.jpg dog.jpg --top 2 --out out/
  gradcam explain photo.png --model path/to/model.json --labels labels.json --class "tabby cat"
  gradcam explain *.png --model mobilenet --model-url ~/models/mobilenet_v1_100/model.json --format json`;

/** `gradcam evaluate --help`. */
export const EVALUATE_USAGE = `usage: gradcam evaluate <dir> [options]

Measures how well each CAM method localises and explains annotated objects: for every image of <dir> and
class named in the annotation file, the pointing game, the energy inside the boxes, the IoU of the map's
box, deletion/insertion AUC and Average Drop / Increase in Confidence; one row per method plus a random-map
and a centre-map baseline. The table (or JSON/CSV) goes to stdout, progress and the summary to stderr.

annotations:
  -b, --boxes FILE           JSON {"samples": [{"image": "cat.png", "class": 281, "boxes": [[x1,y1,x2,y2], …]}]}
                             or CSV with the header image,class,x1,y1,x2,y2 (one row per box); boxes in pixels
                             of the original image, images relative to <dir>, classes output indices or label
                             names. Default: <dir>/boxes.json, else <dir>/boxes.csv
model:
  -m, --model NAME|PATH|URL  as for gradcam explain (default mobilenet)
      --model-url, --labels, --range, --input-size   as for gradcam explain
  -l, --layer NAME           target layer (default: the classifier's; see gradcam layers); repeat to average
metrics:
      --methods LIST         comma-separated method ids, or all (default: gradcam, gradcam++, xgradcam,
                             hirescam, layercam, gradcam-elementwise, eigencam; see gradcam methods)
      --no-baselines         leave out the random-map and centre-map baselines
      --no-faithfulness      localization only: skip deletion/insertion and Average Drop (no extra model passes)
      --steps N              deletion/insertion steps (default 25; each costs 2 model passes per sample)
      --tolerance PX         pointing-game tolerance in model-input pixels (default 15)
output:
  -f, --format FORMAT        table (Markdown, default), json or csv
  -o, --out FILE             write the result to FILE (atomically) instead of stdout; .json/.csv pick the format
  -h, --help                 this help

examples:
  gradcam evaluate photos/ --model path/to/model.json --methods gradcam,gradcam++ --steps 10
  gradcam evaluate ../shared/images --boxes examples/evaluation/boxes.json \\
      --model ../shared/models/mobilenet-v1-075-layers/model.json --out results.json`;

/** `gradcam layers --help`. */
export const LAYERS_USAGE = `usage: gradcam layers [options]

Lists the layers a CAM can target (4-D NHWC outputs with more than one position), with output shapes;
the default target is marked with *.

  -m, --model NAME|PATH|URL  as for gradcam explain (default mobilenet)
      --model-url PATH|URL   local copy of a built-in's model.json
      --labels, --range, --input-size   as for gradcam explain
      --all                  list every layer, not only spatial ones
  -f, --format text|json     output format (default text)
  -h, --help                 this help`;

/** `gradcam methods --help`. */
export const METHODS_USAGE = `usage: gradcam methods [--format text|json]

Lists the CAM methods with one line each (what they compute, the paper).`;
