/** `gradcam --help`. */
export const MAIN_USAGE = `gradcam — Grad-CAM explanations of image models (TensorFlow.js)

usage:
  gradcam demo [options]                  offline demo: the built-in scene models classify, caption and answer
                                          questions on generated scenes; report.html with every map
  gradcam explain <images...> [options]   overlays, grids, an HTML report or JSON maps per image and class
  gradcam caption <images...> [options]   one map per word of the image's caption (scene captioner or a
                                          transformers.js model)
  gradcam vqa <image> "<question>"        one map per answer (scene VQA model, or CLIP answer ranking)
  gradcam evaluate <dir> [options]        pointing game, energy, IoU, deletion/insertion per method on annotated boxes
  gradcam layers [--model M] [--all]      the model's target layers with their output shapes
  gradcam methods                         the CAM methods, one line each
  gradcam <command> --help                options of a command

exit status: 0 ok · 1 failed (model or weights not loadable, or some images failed) · 2 bad command line`;

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

the scene benchmark (no folder; the built-in scene models of @gradcam/scenes on generated held-out scenes
whose boxes are known — the model's accuracy, then the pointing game with 15 % box tolerance and the
energy in the boxes per method, beside the centre and random baselines):
  -t, --task TASK            classify (each present class), caption (colour and shape words that name one
                             object, reference caption) or vqa (answers that depend on one object)
  -n, --scenes N             held-out scenes (default 1000)
  -s, --seed S               picks the scenes and questions (default 0)
  -w, --weights DIR          scene model weights (default: the committed weights of @gradcam/scenes)
      --methods LIST         as above (default: all); --layer, --no-baselines, --format, --out as above

examples:
  gradcam evaluate --task caption --scenes 200 --methods gradcam,gradcam++
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

/** `gradcam demo --help`. */
export const DEMO_USAGE = `usage: gradcam demo [options]

Runs the three built-in scene-world models of @gradcam/scenes (trained by the project, shipped with it;
no network, no downloads) on generated held-out scenes whose ground truth is known: for each scene the
classifier's predicted classes (one map per class), the captioner's own caption (one map per word) and
3 sampled questions with the VQA model's answers (one map per answer). Writes report.html (each scene
at 256×256 with its ground-truth boxes, every overlay with its score and probability) and demo.json
(ground truth, predictions and each map's peak), and prints a summary against the ground truth.

  -n, --scenes N             number of scenes (default 4)
  -s, --seed S               run seed: scene i is generateScene(heldOutSeed(S, i)) (default 0)
      --method ID            gradcam (default), gradcam++, xgradcam, hirescam, layercam, … (gradcam methods)
  -w, --weights DIR          weights folder with classifier/, captioner/ and vqa/ (default: the committed
                             weights of @gradcam/scenes; retrain with npm run train -w @gradcam/scenes)
      --colormap NAME        jet (default), turbo, viridis, inferno
      --alpha A              heatmap opacity from 0 to 1 (default 0.5)
  -o, --out DIR              output folder (default gradcam-demo)
  -h, --help                 this help

examples:
  gradcam demo
  gradcam demo --scenes 8 --seed 7 --method gradcam++ --out demo/`;

/** `gradcam caption --help`. */
export const CAPTION_USAGE = `usage: gradcam caption <images...> [options]

Captions each image and explains every word of the caption with a class activation map (the word's
score is log p(word | image, previous words)): one overlay per word at the photo's resolution, an HTML
report, optionally JSON. Prints the caption with each word's probability.

model:
  -m, --model scene|DIR|ID   scene (default): the scene-world captioner of @gradcam/scenes (64×64 shapes
                             scenes; a photo is resized to 64×64); or a transformers.js image-to-text model
                             (ViT + GPT-2, as Xenova/vit-gpt2-image-captioning): a local folder, or a Hub id
                             (needs a network)
  -w, --weights DIR          scene model weights folder (default: the committed weights of @gradcam/scenes)
what to explain:
  -c, --caption TEXT         explain this caption instead of the model's own (scene model: words of its
                             vocabulary)
  -l, --layer NAME           target layer (scene: the captioner's default layer; transformers.js: an
                             encoder tensor, default last_hidden_state); repeat to average
      --method ID            gradcam (default), gradcam++, xgradcam, hirescam, layercam, … (gradcam methods)
pictures:
      --colormap NAME        jet (default), turbo, viridis, inferno
      --alpha A              heatmap opacity from 0 to 1 (default 0.5)
  -o, --out DIR              output folder (default gradcam-out)
  -f, --format LIST          comma-separated, any of: png, jpg (one overlay per image and word,
                             <image>-word<K>-<word>.png), html (report.html), json (caption, word
                             probabilities and maps per image) — default png,html
  -h, --help                 this help

examples:
  gradcam caption scene.png
  gradcam caption scene.png --caption "a red circle left of a blue square" --format png,json
  gradcam caption photo.jpg --model Xenova/vit-gpt2-image-captioning`;

/** `gradcam vqa --help`. */
export const VQA_USAGE = `usage: gradcam vqa <image> "<question>" [options]

Answers a question about an image and explains the answer with a class activation map: one overlay
per answer at the photo's resolution, an HTML report, optionally JSON. Prints the answers with their
probabilities.

model:
  -m, --model scene|DIR|ID   scene (default): the scene-world VQA model of @gradcam/scenes (64×64 shapes
                             scenes, closed vocabularies; a photo is resized to 64×64); or a transformers.js
                             CLIP (zero-shot answer ranking, as Xenova/clip-vit-base-patch32): a local folder,
                             or a Hub id (needs a network)
  -w, --weights DIR          scene model weights folder (default: the committed weights of @gradcam/scenes)
what to explain:
  -a, --answer A             scene: explain this answer instead of the model's; CLIP: a candidate answer
                             (default: a general list of yes/no, counts, colours, objects); repeat for several
  -k, --top K                pictures and maps for the K best-ranked answers (default: every --answer, or
                             the scene model's answer, else 5)
  -l, --layer NAME           target layer (scene: the VQA model's default layer; CLIP: a vision tensor, default
                             the last vision layer's layer_norm1 output); repeat to average
      --method ID            gradcam (default), gradcam++, xgradcam, hirescam, layercam, … (gradcam methods)
pictures:
      --colormap NAME        jet (default), turbo, viridis, inferno
      --alpha A              heatmap opacity from 0 to 1 (default 0.5)
  -o, --out DIR              output folder (default gradcam-out)
  -f, --format LIST          comma-separated, any of: png, jpg (one overlay per answer,
                             <image>-answer-<answer>.png), html (report.html), json (answers,
                             probabilities and maps) — default png,html
  -h, --help                 this help

The scene model's questions use its vocabulary: "what colour is the square?", "what shape is the red
object?", "is there a blue circle?", "how many triangles are there?", "what shape is closest to the
green cross?" ("color" is read as "colour").

examples:
  gradcam vqa scene.png "what colour is the square?"
  gradcam vqa scene.png "how many circles are there?" --answer two --answer three
  gradcam vqa photo.jpg "what animal is this?" --model Xenova/clip-vit-base-patch32 --answer cat --answer dog`;
